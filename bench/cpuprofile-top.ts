/**
 * Summarises a V8 CPU profile (node --cpu-prof, or `npm run bench -- --profile`):
 *
 *   npx tsx bench/cpuprofile-top.ts <file.cpuprofile> [rows]
 *
 * Prints self time by package, then the functions with the most self and inclusive time.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = path.resolve(__dirname, '..');

function where(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) {
    return pkg[1];
  }
  if (file.startsWith(ROOT)) {
    return path.relative(ROOT, file).split(path.sep).slice(0, 2).join('/');
  }
  return file === '' ? '(native)' : file.startsWith('node:') ? 'node' : path.basename(file);
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '');
  const short = file.startsWith(ROOT) ? path.relative(ROOT, file) : where(url);
  return `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
}

function top(map: Map<string, number>, rows: number, total: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(
      ([name, us]) =>
        `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`,
    );
}

function main(): void {
  const file = process.argv[2];
  const rows = Number(process.argv[3] ?? 25);
  if (!file) {
    throw new Error('usage: cpuprofile-top.ts <file.cpuprofile> [rows]');
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parent.set(child, node.id);
    }
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    total += us;
    const name = label(node);
    self.set(name, (self.get(name) ?? 0) + us);
    const pkg = node.callFrame.functionName.startsWith('(')
      ? node.callFrame.functionName
      : where(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = label(byId.get(at)!);
      if (!seen.has(frame)) {
        seen.add(frame);
        inclusive.set(frame, (inclusive.get(frame) ?? 0) + us);
      }
    }
  });
  const out = [
    `${file}: ${(total / 1000).toFixed(0)} ms sampled`,
    '',
    'self time by package:',
    ...top(packages, rows, total),
    '',
    'self time by function:',
    ...top(self, rows, total),
    '',
    'inclusive time by function:',
    ...top(inclusive, rows, total),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
