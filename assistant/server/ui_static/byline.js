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
  target.scrollIntoView({ behavior: "smooth", block: "nearest" });
}, true);
