// Renders the benchmark OG card with satori + resvg (PNG) and sharp (JPEG, WebP from resvg's
// pixels), the way an @vercel/og user would, and prints per-render timings as JSON.
// Usage: node render.mjs config.json   (written by ../og_card.py)
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import satori from "satori";
import { Resvg } from "@resvg/resvg-js";
import sharp from "sharp";

sharp.concurrency(1);
sharp.cache(false);

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const dataUri = (path) => `data:image/jpeg;base64,${readFileSync(path).toString("base64")}`;
const fonts = [
  { name: "Card", data: readFileSync(config.font_regular), weight: 400, style: "normal" },
  { name: "Card", data: readFileSync(config.font_bold), weight: 700, style: "normal" },
];
const background = dataUri(config.background);
const avatar = dataUri(config.avatar);

const abs = (style) => ({ position: "absolute", display: "flex", ...style });
// The photo under a 45% black shade: both cards start with it.
const backdrop = [
  { type: "img", props: { src: background, width: 1200, height: 630,
    style: abs({ left: 0, top: 0, width: 1200, height: 630, objectFit: "cover" }) } },
  { type: "div", props: { style: abs({ left: 0, top: 0, width: 1200, height: 630,
    backgroundColor: "rgba(0,0,0,0.45)" }) } },
];
// The 1200x630 page: the backdrop, then a card's own elements.
const page = (children) => ({
  type: "div",
  props: {
    style: { width: 1200, height: 630, display: "flex", position: "relative", fontFamily: "Card" },
    children: [...backdrop, ...children],
  },
});
const heading = (title, extra) => ({ type: "div", props: { style: abs({ left: 100, top: 110,
  width: 1000, height: 240, fontSize: 64, fontWeight: 700, color: "#ffffff", lineHeight: 1.2,
  ...extra }), children: title } });

const basicCard = (title) => page([
  heading(title, {}),
  { type: "div", props: { style: abs({ left: 100, top: 380, width: 1000, fontSize: 28,
    color: "#cccccc" }), children: config.subtitle } },
  { type: "img", props: { src: avatar, width: 120, height: 120,
    style: abs({ left: 100, top: 460, width: 120, height: 120, borderRadius: 60,
      objectFit: "cover" }) } },
]);

// The rich card: the title shadowed, and a byline row (avatar, author, date) laid out by flexbox.
const richCard = (title) => page([
  heading(title, { textShadow: config.title_shadow }),
  { type: "div", props: { style: abs({ left: 100, top: 440, flexDirection: "row",
    alignItems: "center", gap: 20, padding: "12px 24px 12px 12px" }), children: [
    { type: "img", props: { src: avatar, width: 96, height: 96,
      style: { width: 96, height: 96, borderRadius: 48, objectFit: "cover" } } },
    { type: "div", props: { style: { display: "flex", fontSize: 32, fontWeight: 700,
      color: "#ffffff" }, children: config.author } },
    { type: "div", props: { style: { display: "flex", fontSize: 28, color: "#cccccc" },
      children: config.subtitle } },
  ] } },
]);
const card = config.card === "rich" ? richCard : basicCard;

async function renderOnce(title, format) {
  const svg = await satori(card(title), { width: 1200, height: 630, fonts });
  const image = new Resvg(svg, { fitTo: { mode: "original" } }).render();
  if (format === "png") return image.asPng();
  const raw = sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 4 } });
  if (format === "jpeg") return raw.flatten().jpeg({ quality: 85 }).toBuffer();
  return raw.webp({ quality: 80 }).toBuffer();
}

const results = {};
for (const format of config.formats) {
  for (let i = 0; i < config.warmup; i++) await renderOnce(config.titles[0], format);
  const times = [];
  let bytes = 0;
  for (const title of config.titles) {
    const start = performance.now();
    const out = await renderOnce(title, format);
    times.push(performance.now() - start);
    bytes = out.length;
  }
  results[format] = { times, bytes };
}
process.stdout.write(JSON.stringify(results));
