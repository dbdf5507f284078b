// Drawing a zone's outline on the site plan: each tap on the plan adds a corner to
// the points field (x,y relative to the image, 0..1) and redraws the shape. The
// field stays the truth: typing in it works with or without this script.
document.addEventListener("DOMContentLoaded", () => {
  const svg = document.querySelector("svg[data-draw]");
  const field = document.querySelector("textarea[name=points]");
  if (!svg || !field) return;
  const shape = svg.querySelector(".grn-drawing");
  const width = Number(svg.dataset.width);
  const height = Number(svg.dataset.height);
  const tokens = () => field.value.trim().split(/\s+/).filter(Boolean);
  const show = () => {
    const points = tokens()
      .map((t) => t.split(",").map(Number))
      .filter((p) => p.length === 2 && p.every(Number.isFinite));
    shape.setAttribute("points", points.map(([x, y]) => `${x * width},${y * height}`).join(" "));
  };
  svg.addEventListener("click", (event) => {
    event.preventDefault(); // a tap on another zone draws here, it does not follow its link
    const box = svg.getBoundingClientRect();
    const x = (event.clientX - box.left) / box.width;
    const y = (event.clientY - box.top) / box.height;
    if (x < 0 || x > 1 || y < 0 || y > 1) return;
    field.value = [...tokens(), `${x.toFixed(4)},${y.toFixed(4)}`].join(" ");
    show();
  });
  field.addEventListener("input", show);
  document.querySelectorAll("[data-outline]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const kept = button.dataset.outline === "undo" ? tokens().slice(0, -1) : [];
      field.value = kept.join(" ");
      show();
    });
  });
});
