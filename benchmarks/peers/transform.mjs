// Runs sharp transforms for benchmarks/transforms.py: one JSON job per stdin line, one JSON
// result per stdout line ({ms, bytes, width, height}), timed from the file to an encoded buffer.
import sharp from "sharp";
import { createInterface } from "node:readline";
import { readFileSync } from "node:fs";

// VmHWM (peak RSS of this process image), as the Python side reads it.
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
const baseHwm = hwm();

sharp.cache(false);
sharp.concurrency(1);

function pipeline(job) {
  let img = sharp(job.file).rotate();
  if (job.rule === "short_edge") {
    img = img.resize({ width: job.target, height: job.target, fit: "outside", withoutEnlargement: true });
  } else if (job.rule === "width") {
    img = img.resize({ width: job.target, withoutEnlargement: true });
  }
  switch (job.format) {
    case "jpeg": return img.jpeg({ quality: job.quality });
    case "webp": return img.webp({ quality: job.quality });
    case "avif": return img.avif({ quality: job.quality });
    case "png": return img.png({ compressionLevel: job.level });
    default: throw new Error(`unknown format ${job.format}`);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const job = JSON.parse(line);
  if (job.rss) {
    process.stdout.write(JSON.stringify({ base: baseHwm, hwm: hwm() }) + "\n");
    continue;
  }
  const start = process.hrtime.bigint();
  const { data, info } = await pipeline(job).toBuffer({ resolveWithObject: true });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(JSON.stringify({ ms, bytes: data.length, width: info.width, height: info.height }) + "\n");
}
