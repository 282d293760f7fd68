// First version of the client: send a message, stream the answer as plain text.
const form = document.getElementById("cs-form");
const input = document.getElementById("cs-input");
const log = document.getElementById("cs-log");
let conversationId = null;

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const query = input.value.trim();
  if (!query) return;
  input.value = "";
  const mine = document.createElement("li");
  mine.className = "cs-user";
  mine.textContent = query;
  const bot = document.createElement("li");
  bot.className = "cs-bot";
  log.append(mine, bot);
  const res = await fetch("talk", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ query, conversation_id: conversationId }) });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
      if (!data) continue;
      const ev = JSON.parse(data);
      if (ev.conversation_id) conversationId = ev.conversation_id;
      if (ev.event === "message" || ev.event === "agent_message") bot.textContent += ev.answer;
      else if (ev.event === "message_replace") bot.textContent = ev.answer;
      else if (ev.event === "error") bot.textContent = ev.message;
    }
  }
});
