// Citation links in answers: a click on [n] shows that answer's sources and scrolls to passage n.
// One delegated listener, because Gradio re-renders chat messages while answers stream in; the
// answer and passage numbers travel in the link's href, since Gradio's sanitizer drops data-* attributes.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.byline-cite");
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const match = /#byline-src-(\d+)-(\d+)$/.exec(link.getAttribute("href") || "");
  const panel = document.getElementById("byline-sources");
  if (!match || !panel) return;
  const [, turn, n] = match;
  panel.querySelectorAll(".byline-turn").forEach((section) => {
    section.classList.toggle("byline-active", section.id === `byline-turn-${turn}`);
  });
  panel.querySelectorAll(".byline-focused").forEach((item) => item.classList.remove("byline-focused"));
  const target = document.getElementById(`byline-src-${turn}-${n}`);
  if (!target) return;
  target.classList.add("byline-focused");
  if (window.matchMedia("(max-width: 700px)").matches) bylineOpenSheet(panel);
  target.scrollIntoView({ behavior: "smooth", block: "nearest" });
}, true);

// On a phone the sources panel is a sheet over the chat: opened by a tap on [n], closed by its button,
// by Escape, or by a tap outside it.
function bylineOpenSheet(panel) {
  if (!panel.querySelector(":scope > .byline-sheet-close")) {
    const close = document.createElement("button");
    close.className = "byline-sheet-close";
    close.type = "button";
    close.textContent = "Close";
    close.setAttribute("aria-label", "Close sources");
    close.addEventListener("click", () => panel.classList.remove("byline-sheet-open"));
    panel.prepend(close);
  }
  panel.classList.add("byline-sheet-open");
}
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") document.getElementById("byline-sources")?.classList.remove("byline-sheet-open");
});
document.addEventListener("click", (event) => {
  const panel = document.getElementById("byline-sources");
  if (panel && panel.classList.contains("byline-sheet-open") && !panel.contains(event.target)
      && !(event.target.closest && event.target.closest("a.byline-cite"))) {
    panel.classList.remove("byline-sheet-open");
  }
});

// Copy gives plain text, not the message's HTML: the answer with its markers, then its sources as
// "[1] Title, Publication, date: “passage”", the way people paste into notes and e-mails. Gradio's own
// copy handler is stopped for messages Byline rendered.
function bylinePlainSources(reply) {
  const link = reply.querySelector("a.byline-cite");
  const match = link && /#byline-src-(\d+)-\d+$/.exec(link.getAttribute("href") || "");
  const section = match && document.getElementById(`byline-turn-${match[1]}`);
  if (!section) return "";
  return [...section.querySelectorAll(".byline-source")].map((item) => {
    const chip = item.querySelector(".byline-chip").textContent.trim();
    const title = item.querySelector("strong").textContent.trim();
    const meta = item.querySelector(".byline-meta");
    const where = [title, ...(meta ? meta.textContent.split(" · ") : [])].map((s) => s.trim()).filter(Boolean);
    const passage = item.querySelector("mark").textContent.trim();
    return `${chip} ${where.join(", ")}: “${passage}”`;
  }).join("\n");
}

document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest('#byline-chat button[aria-label="Copy message"]');
  if (!button) return;
  // Gradio puts each message's button bar right after the message's row, inside the list of all messages.
  const rendered = ".byline-answer, .byline-decline, .byline-error, .byline-question";
  const bar = button.closest('[class*="message-buttons"]');
  let row = bar && bar.previousElementSibling;
  while (row && !row.querySelector(rendered)) row = row.previousElementSibling;
  const message = row && [...row.querySelectorAll(rendered)].pop();
  if (!message) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  const sources = message.matches(".byline-question, .byline-error") ? "" : bylinePlainSources(message);
  const text = message.innerText.trim() + (sources ? `\n\n${sources}` : "");
  navigator.clipboard.writeText(text);
}, true);
