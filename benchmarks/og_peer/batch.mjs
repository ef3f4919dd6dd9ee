// The peer's batch: the basic OG card of render.mjs rendered by satori + resvg once per row, in a
// loop, each PNG written to a folder, as a script around @vercel/og would do it.
// Usage: node batch.mjs config.json   (written by ../batch.py; rows: one JSON object a line)
import { mkdirSync, readFileSync, writeFileSync, createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import satori from "satori";
import { Resvg } from "@resvg/resvg-js";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const dataUri = (path) => `data:image/jpeg;base64,${readFileSync(path).toString("base64")}`;
const fonts = [
  { name: "Card", data: readFileSync(config.font_regular), weight: 400, style: "normal" },
  { name: "Card", data: readFileSync(config.font_bold), weight: 700, style: "normal" },
];
const background = dataUri(config.background);
const avatar = dataUri(config.avatar);
const abs = (style) => ({ position: "absolute", display: "flex", ...style });

const card = (title) => ({
  type: "div",
  props: {
    style: { width: 1200, height: 630, display: "flex", position: "relative", fontFamily: "Card" },
    children: [
      { type: "img", props: { src: background, width: 1200, height: 630,
        style: abs({ left: 0, top: 0, width: 1200, height: 630, objectFit: "cover" }) } },
      { type: "div", props: { style: abs({ left: 0, top: 0, width: 1200, height: 630,
        backgroundColor: "rgba(0,0,0,0.45)" }) } },
      { type: "div", props: { style: abs({ left: 100, top: 110, width: 1000, height: 240,
        fontSize: 64, fontWeight: 700, color: "#ffffff", lineHeight: 1.2 }), children: title } },
      { type: "div", props: { style: abs({ left: 100, top: 380, width: 1000, fontSize: 28,
        color: "#cccccc" }), children: config.subtitle } },
      { type: "img", props: { src: avatar, width: 120, height: 120,
        style: abs({ left: 100, top: 460, width: 120, height: 120, borderRadius: 60,
          objectFit: "cover" }) } },
    ],
  },
});

mkdirSync(config.output, { recursive: true });
const start = performance.now();
let n = 0;
for await (const line of createInterface({ input: createReadStream(config.rows) })) {
  if (!line.trim()) continue;
  const row = JSON.parse(line);
  const svg = await satori(card(row["title.text"]), { width: 1200, height: 630, fonts });
  const png = new Resvg(svg, { fitTo: { mode: "original" } }).render().asPng();
  n += 1;
  writeFileSync(`${config.output}/${String(n).padStart(6, "0")}.png`, png);
}
process.stdout.write(JSON.stringify({ rows: n, seconds: (performance.now() - start) / 1000 }));
