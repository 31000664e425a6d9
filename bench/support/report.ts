/** The results table (Markdown, so it can be pasted into bench/README.md as is). */
import type { Engine } from './raw-database';

export type Figures = Record<string, number>;

interface Row {
  label: string;
  /** Figure name without the engine prefix. */
  key: string;
  digits?: number;
  target?: { text: string; met: (value: number) => boolean };
}

const atLeast = (min: number) => ({ text: `≥ ${min}`, met: (v: number) => v >= min });
const atMost = (max: number, unit = '') => ({
  text: `≤ ${max.toLocaleString('en-US')}${unit}`,
  met: (v: number) => v <= max,
});

export const ROWS: Row[] = [
  { label: 'Seed: contacts', key: 'seed_contacts' },
  { label: 'Seed: rows/s (multi-row INSERT)', key: 'seed_rows_per_s' },
  { label: 'Expansion: recipients', key: 'expansion_recipients' },
  { label: 'Expansion: generator, messages/s', key: 'expansion_ours_per_s' },
  { label: 'Expansion: bare loop, messages/s', key: 'expansion_bare_per_s' },
  { label: 'Expansion: naive save(), messages/s', key: 'expansion_naive_per_s' },
  {
    label: 'Expansion: generator / bare',
    key: 'expansion_vs_bare_ratio',
    digits: 2,
    target: atLeast(0.5),
  },
  {
    label: 'Expansion: generator / naive',
    key: 'expansion_vs_naive_ratio',
    digits: 1,
    target: atLeast(10),
  },
  { label: 'Dispatch: messages', key: 'dispatch_messages' },
  { label: 'Dispatch: dispatcher, messages/s', key: 'dispatch_ours_per_s' },
  { label: 'Dispatch: bare axios, requests/s', key: 'dispatch_bare_axios_per_s' },
  { label: 'Dispatch: raw node:http, requests/s', key: 'dispatch_raw_http_per_s' },
  {
    label: 'Dispatch: dispatcher / bare axios',
    key: 'dispatch_vs_axios_ratio',
    digits: 2,
    target: atLeast(0.5),
  },
  {
    label: 'Dispatch: dispatcher / raw http',
    key: 'dispatch_vs_raw_http_ratio',
    digits: 2,
  },
  { label: 'Latency: due messages measured', key: 'latency_messages' },
  { label: 'Latency: due → gateway p50, ms', key: 'latency_p50_ms' },
  {
    label: 'Latency: due → gateway p99, ms',
    key: 'latency_p99_ms',
    target: atMost(2000, ' ms'),
  },
  { label: 'Latency: due → gateway max, ms', key: 'latency_max_ms' },
  { label: 'Latency: campaign recipients', key: 'generate_recipients' },
  {
    label: 'Latency: "Generate all" → first at gateway, ms',
    key: 'generate_to_first_message_ms',
    target: atMost(5000, ' ms'),
  },
  { label: 'Rate limit: target/s (2 workers)', key: 'rate_limit_target_per_s' },
  { label: 'Rate limit: window, s', key: 'rate_limit_window_s' },
  { label: 'Rate limit: received/s', key: 'rate_limit_received_per_s', digits: 2 },
  {
    label: 'Rate limit: received / target',
    key: 'rate_limit_ratio',
    digits: 3,
    target: { text: '0.95–1.05', met: (v) => v >= 0.95 && v <= 1.05 },
  },
  {
    label: 'Memory: peak RSS, 100k expansion, MB',
    key: 'expansion_100k_peak_rss_mb',
    target: atMost(250, ' MB'),
  },
  {
    label: 'Memory: peak RSS, 1M expansion, MB',
    key: 'expansion_1m_peak_rss_mb',
    target: atMost(250, ' MB'),
  },
  {
    label: 'Memory: RSS 1M / RSS 100k',
    key: 'rss_1m_vs_100k_ratio',
    digits: 3,
    target: atMost(1.1),
  },
];

function format(value: number | undefined, digits = 0): string {
  if (value === undefined || Number.isNaN(value)) {
    return '–';
  }
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export interface TargetResult {
  figure: string;
  target: string;
  value: number;
  met: boolean;
}

/** Every target that has a figure, per engine. */
export function checkTargets(figures: Figures, engines: Engine[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const row of ROWS) {
    for (const engine of engines) {
      const value = figures[`${engine}_${row.key}`];
      if (row.target && value !== undefined && !Number.isNaN(value)) {
        out.push({
          figure: `${engine}_${row.key}`,
          target: row.target.text,
          value,
          met: row.target.met(value),
        });
      }
    }
  }
  return out;
}

export function resultsTable(figures: Figures, engines: Engine[]): string {
  const names: Record<Engine, string> = { sqlite: 'SQLite', mariadb: 'MariaDB' };
  const header = ['Measure', ...engines.map((e) => names[e]), 'Target'];
  const lines = [header, header.map(() => '---')];
  for (const row of ROWS) {
    const values = engines.map((e) => figures[`${e}_${row.key}`]);
    if (values.every((v) => v === undefined)) {
      continue;
    }
    const cells = values.map((v) => {
      const text = format(v, row.digits);
      if (!row.target || v === undefined || Number.isNaN(v)) {
        return text;
      }
      return `${text} ${row.target.met(v) ? 'met' : '**MISSED**'}`;
    });
    lines.push([row.label, ...cells, row.target?.text ?? '']);
  }
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
