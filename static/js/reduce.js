// Folds the /talk events of one answer into a plain, storable message state.
import { trackThinks } from "./answer/think.js";

export function emptyAnswer() {
  return {
    role: "bot",
    text: "",
    messageId: null,
    conversationId: null,
    citations: [],
    steps: [],
    tools: [],
    files: [],
    thinks: [],
    error: null,
    restarted: false,
    done: false,
    interrupted: false,
  };
}

function str(v) {
  return typeof v === "string" ? v : "";
}

function citation(r) {
  return {
    position: Number(r.position) || 0,
    dataset: str(r.dataset_name),
    document: str(r.document_name),
    content: str(r.content),
    score: typeof r.score === "number" ? r.score : null,
  };
}

function stepKey(d) {
  return str(d.id) || str(d.node_id) || "";
}

function updateSteps(steps, ev) {
  const d = ev.data && typeof ev.data === "object" ? ev.data : {};
  const title = str(d.title) || str(d.node_type) || "";
  const key = stepKey(d);
  const next = steps.slice();
  if (ev.event === "node_started") {
    next.push({ key, title, type: str(d.node_type), status: "running", elapsed: null });
    return next;
  }
  if (ev.event === "node_finished") {
    // Match by id when the server kept it; else the latest running step with the same title.
    let i = -1;
    for (let j = next.length - 1; j >= 0; j--) {
      const s = next[j];
      if (s.status !== "running") continue;
      if ((key && s.key === key) || (!key && s.title === title)) {
        i = j;
        break;
      }
    }
    const status = str(d.status) || "succeeded";
    const elapsed = typeof d.elapsed_time === "number" ? d.elapsed_time : null;
    if (i < 0) next.push({ key, title, type: str(d.node_type), status, elapsed });
    else next[i] = { ...next[i], status, elapsed };
    return next;
  }
  if (ev.event === "workflow_finished") {
    const failed = str(d.status) && str(d.status) !== "succeeded";
    return next.map((s) => (s.status === "running" ? { ...s, status: failed ? "failed" : "succeeded" } : s));
  }
  return steps;
}

function updateTools(tools, ev) {
  const names = str(ev.tool)
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length && !str(ev.thought)) return tools;
  const position = Number(ev.position) || tools.length + 1;
  const entry = { position, names, thought: str(ev.thought), labels: toolLabels(ev.tool_labels) };
  // Inputs and outputs come only with the show_tool_details setting.
  if (str(ev.tool_input)) entry.input = str(ev.tool_input);
  if (str(ev.observation)) entry.output = str(ev.observation);
  const i = tools.findIndex((t) => t.position === position);
  if (i < 0) return [...tools, entry];
  const next = tools.slice();
  // A later thought for the same position refines the earlier one; keep what it lacks.
  const prev = next[i];
  next[i] = {
    ...prev,
    ...entry,
    names: names.length ? names : prev.names,
    thought: entry.thought || prev.thought,
    labels: Object.keys(entry.labels).length ? entry.labels : prev.labels,
  };
  return next;
}

// {tool: {language: label}} as the server allow-listed it (only ever shown as text).
function toolLabels(v) {
  return v && typeof v === "object" && !Array.isArray(v) ? v : {};
}

/** The next state after event `ev`; `now` times reasoning blocks (answer/think.js). */
export function reduce(state, ev, now = Date.now()) {
  if (!ev || typeof ev !== "object") return state;
  const s = { ...state };
  if (typeof ev.conversation_id === "string" && ev.conversation_id) s.conversationId = ev.conversation_id;
  if (typeof ev.message_id === "string" && ev.message_id) s.messageId = ev.message_id;
  switch (ev.event) {
    case "message":
    case "agent_message":
    case "text_chunk":
      s.text += str(ev.answer);
      s.thinks = trackThinks(s.thinks, s.text, str(ev.answer), now);
      break;
    case "message_replace":
    case "text_replace":
      s.text = str(ev.answer);
      s.thinks = trackThinks(s.thinks, s.text, s.text, now);
      break;
    case "message_file":
      // Images the app made (the server let through only https and Dify's own /files/ URLs).
      if (str(ev.url) && (!ev.type || ev.type === "image") && ev.belongs_to !== "user")
        s.files = [...(s.files || []), { type: "image", url: str(ev.url) }].slice(0, 20);
      else return state;
      break;
    case "message_end": {
      const res = ev.metadata && Array.isArray(ev.metadata.retriever_resources) ? ev.metadata.retriever_resources : [];
      s.citations = res.filter((r) => r && typeof r === "object").map(citation);
      s.done = true;
      break;
    }
    case "agent_thought":
      s.tools = updateTools(s.tools, ev);
      break;
    case "workflow_started":
    case "node_started":
    case "node_finished":
    case "workflow_finished":
      s.steps = updateSteps(s.steps, ev);
      break;
    case "error":
      s.error = {
        code: str(ev.code) || "internal_server_error",
        message: str(ev.message),
        status: typeof ev.status === "number" ? ev.status : null,
      };
      s.done = true;
      break;
    case "conversation_restarted":
      // The stored id went stale: the server started a fresh conversation; follow it silently.
      s.restarted = true;
      s.conversationId = str(ev.conversation_id) || null;
      break;
    default:
      return state; // unknown future events change nothing
  }
  return s;
}
