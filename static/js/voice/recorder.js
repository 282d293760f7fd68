// The microphone button: record with MediaRecorder (level meter and timer while it runs), stop with
// the button or Enter, cancel with Escape, stop by itself before the endpoint's size limit, then send
// the recording to `listen` and put the transcript into the message box, ready to edit and send.
import { h } from "../dom.js";
import { errorKey } from "../i18n.js";
import { post } from "./api.js";
import { icon, MIC, STOP } from "./icons.js";

// In order of preference: Chromium and Firefox record Opus in WebM or Ogg, Safari AAC in MP4.
const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm", "audio/ogg"];
const SLICE_MS = 500;
const BITS_PER_SECOND = 32000;
// Stop this far below the limit: the slice in flight and the container's tail must still fit.
const MARGIN_BYTES = 64 * 1024;

/** Whether a recording of `bytes` must stop now so that it still fits the endpoint's `maxBytes`. */
export function reachedLimit(bytes, maxBytes) {
  return bytes > maxBytes - MARGIN_BYTES;
}

export function recordingType(isSupported) {
  return TYPES.find((type) => isSupported(type)) || "";
}

/** The state key for a getUserMedia failure: blocked by the visitor or a policy, or no usable device. */
export function micErrorKey(err) {
  const name = err?.name;
  return name === "NotAllowedError" || name === "SecurityError" ? "voice.denied" : "voice.noMic";
}

export function formatClock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Appends the transcript to what the visitor already typed and leaves the caret at its end. */
export function insertTranscript(input, text) {
  const before = input.value.trimEnd();
  input.value = before ? `${before} ${text}` : text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}

/** deps: {root, cfg, t, el, mic, note, token(), beforeStart()} */
export function createRecorder({ root, cfg, t, el, mic, note, token, beforeStart }) {
  const bar = h("span", { class: "cs-voice-bar" });
  const time = h("span", { class: "cs-voice-time", text: "0:00" });
  const status = h(
    "span",
    { class: "cs-voice-status", "aria-hidden": "true", hidden: true },
    h("span", { class: "cs-voice-level" }, bar),
    time,
  );
  mic.before(status);
  let state = "idle"; // idle | starting | recording | sending
  let rec = null;
  let stream = null;
  let audioCtx = null;
  let chunks = [];
  let bytes = 0;
  let started = 0;
  let timer = 0;
  let frame = 0;
  let cancelled = false;
  let tooLong = false;

  function show(next) {
    state = next;
    const recording = state === "recording";
    mic.dataset.state = state;
    mic.setAttribute("aria-pressed", String(recording));
    // The name stays (a toggle's state is aria-pressed); the tooltip says what a press does now.
    mic.title = t(recording ? "voice.stopRecording" : "voice.record");
    mic.replaceChildren(icon(recording ? STOP : MIC));
    mic.disabled = state === "starting" || state === "sending";
    status.hidden = !recording;
    root.classList.toggle("cs-recording", recording);
  }

  async function begin() {
    beforeStart();
    note.clear();
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder !== "function") {
      note.set("voice.noMic", "error");
      return;
    }
    show("starting");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      show("idle");
      note.set(micErrorKey(e), "error");
      return;
    }
    const mimeType = recordingType((type) => MediaRecorder.isTypeSupported(type));
    try {
      rec = new MediaRecorder(stream, { ...(mimeType && { mimeType }), audioBitsPerSecond: BITS_PER_SECOND });
    } catch {
      release();
      show("idle");
      note.set("voice.noMic", "error");
      return;
    }
    chunks = [];
    bytes = 0;
    cancelled = false;
    tooLong = false;
    rec.ondataavailable = (e) => {
      if (!e.data.size) return;
      chunks.push(e.data);
      bytes += e.data.size;
      if (reachedLimit(bytes, cfg.voice.maxBytes) && rec.state === "recording") {
        tooLong = true;
        rec.stop();
      }
    };
    rec.onstop = () => finished(rec.mimeType || mimeType || "audio/webm");
    rec.start(SLICE_MS);
    started = Date.now();
    time.textContent = formatClock(0);
    timer = setInterval(() => (time.textContent = formatClock(Date.now() - started)), 250);
    meter();
    document.addEventListener("keydown", onKey, true);
    show("recording");
    note.set("voice.recording");
  }

  // The input level, drawn through a custom property (CSSOM writes are allowed by the page's CSP).
  function meter() {
    try {
      audioCtx = new AudioContext();
      const analyser = audioCtx.createAnalyser();
      analyser.fftSize = 512;
      audioCtx.createMediaStreamSource(stream).connect(analyser);
      const samples = new Uint8Array(analyser.fftSize);
      const tick = () => {
        analyser.getByteTimeDomainData(samples);
        let sum = 0;
        for (const v of samples) sum += ((v - 128) / 128) ** 2;
        bar.style.setProperty("--cs-voice-level", Math.min(1, Math.sqrt(sum / samples.length) * 4).toFixed(2));
        frame = requestAnimationFrame(tick);
      };
      tick();
    } catch {
      /* no Web Audio: the recording works without a level */
    }
  }

  function onKey(e) {
    if (state !== "recording" || e.isComposing) return;
    if (e.key === "Escape") cancel();
    else if (e.key !== "Enter") return;
    else stop();
    // Enter must not also send the message, nor Escape close the embed's panel.
    e.preventDefault();
    e.stopPropagation();
  }

  function stop() {
    if (rec?.state === "recording") rec.stop();
  }

  function cancel() {
    cancelled = true;
    stop();
  }

  function release() {
    clearInterval(timer);
    cancelAnimationFrame(frame);
    document.removeEventListener("keydown", onKey, true);
    for (const track of stream?.getTracks() || []) track.stop();
    stream = null;
    audioCtx?.close().catch(() => {});
    audioCtx = null;
  }

  async function finished(type) {
    release();
    const blob = new Blob(chunks, { type });
    chunks = [];
    if (cancelled) {
      show("idle");
      note.set("voice.cancelled", "done");
      mic.focus();
      return;
    }
    if (!blob.size) {
      show("idle");
      note.set("voice.empty", "error");
      return;
    }
    show("sending");
    note.set("voice.transcribing");
    try {
      const res = await post(cfg.voice.urls.listen, blob, { token: token(), contentType: type });
      const text = String((await res.json()).text || "").trim();
      show("idle");
      if (!text) note.set("voice.empty", "error");
      else {
        insertTranscript(el.input, text);
        note.set(tooLong ? "voice.tooLong" : "voice.ready", tooLong ? "error" : "done");
      }
    } catch (e) {
      show("idle");
      const key = e?.code === "payload_too_large" ? "voice.tooLong" : errorKey(e?.code);
      note.set(key.startsWith("voice.") ? key : "voice.failed", "error");
    }
  }

  mic.addEventListener("click", () => {
    if (state === "idle") begin();
    else if (state === "recording") stop();
  });
  show("idle");
  return {
    get state() {
      return state;
    },
    cancel,
  };
}
