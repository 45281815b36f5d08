namespace PpkmOnnx.Server.Web;

/// <summary>The page at <c>/</c>: type a tweet, see every served model's label, probabilities and latency side by side. Self-contained: no CDN.</summary>
internal static class WebPage
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ppkm serve</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 72rem; color: #222; }
  textarea { width: 100%; min-height: 5rem; font-size: 1rem; padding: .5rem; box-sizing: border-box; }
  button { margin-top: .5rem; font-size: 1rem; padding: .4rem 1.2rem; }
  #results { display: flex; flex-wrap: wrap; gap: 1rem; margin-top: 1.5rem; }
  .card { border: 1px solid #ccc; border-radius: .5rem; padding: 1rem; min-width: 16rem; }
  .card h2 { font-size: 1rem; margin: 0 0 .5rem; }
  .label { font-size: 1.4rem; font-weight: bold; margin-bottom: .5rem; }
  .negative { color: #b3261e; } .neutral { color: #555; } .positive { color: #1b7f3b; }
  .bar { background: #eee; height: .6rem; border-radius: .3rem; overflow: hidden; }
  .bar > span { display: block; height: 100%; background: #4a78c2; }
  table { width: 100%; border-collapse: collapse; } td { padding: .15rem .3rem; font-size: .9rem; }
  .latency, .error { font-size: .85rem; color: #666; margin-top: .5rem; } .error { color: #b3261e; }
</style>
</head>
<body>
<h1>PPKM tweet sentiment</h1>
<label for="text">Tweet</label>
<textarea id="text" placeholder="Ketik tweet tentang PPKM di sini..."></textarea>
<button id="classify" type="button">Classify</button>
<div id="status" role="status"></div>
<div id="results"></div>
<script>
"use strict";
const el = (tag, attrs, text) => { const e = document.createElement(tag); Object.assign(e, attrs || {}); if (text !== undefined) e.textContent = text; return e; };
async function classify() {
  const text = document.getElementById("text").value;
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  results.replaceChildren();
  document.body.dataset.state = "running";
  status.textContent = "";
  try {
    const models = (await (await fetch("/v1/models")).json()).models;
    const answers = await Promise.all(models.map(async m => {
      const r = await fetch("/v1/classify", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ inputs: text, model: m.name }) });
      return { model: m, status: r.status, body: await r.json() };
    }));
    for (const a of answers) {
      const card = el("div", { className: "card" });
      card.dataset.model = a.model.name;
      card.appendChild(el("h2", {}, `${a.model.name} · ${a.model.variant} · ${a.model.provider}`));
      if (a.status !== 200) {
        card.appendChild(el("div", { className: "error" }, `${a.body.error}: ${a.body.detail}`));
      } else {
        const scores = a.body.predictions[0];
        card.appendChild(el("div", { className: "label " + scores[0].label }, scores[0].label));
        const table = el("table");
        for (const s of scores) {
          const row = el("tr");
          row.dataset.label = s.label;
          row.dataset.score = String(s.score);
          row.appendChild(el("td", {}, s.label));
          const barCell = el("td"); const bar = el("div", { className: "bar" }); const fill = el("span");
          fill.style.width = (100 * s.score).toFixed(1) + "%"; bar.appendChild(fill); barCell.appendChild(bar); row.appendChild(barCell);
          row.appendChild(el("td", {}, (100 * s.score).toFixed(1) + "%"));
          table.appendChild(row);
        }
        card.appendChild(table);
        card.appendChild(el("div", { className: "latency" }, `${a.body.latency_ms.toFixed(2)} ms`));
      }
      results.appendChild(card);
    }
    document.body.dataset.state = "done";
  } catch (e) {
    status.textContent = "error: " + e;
    document.body.dataset.state = "error";
  }
}
document.getElementById("classify").addEventListener("click", classify);
document.getElementById("text").addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) classify(); });
</script>
</body>
</html>
""";
}
