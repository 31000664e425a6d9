/**
 * Generates src/domain/country-time-zones.ts (committed as source) from the system's tz and
 * iso-codes data:
 *
 * - /usr/share/zoneinfo/zone.tab      ISO 3166-1 alpha-2 → IANA zones (each zone belongs to exactly
 *                                     one country, unlike zone1970.tab which shares zones)
 * - /usr/share/zoneinfo/iso3166.tab   tz's English country names
 * - /usr/share/iso-codes/json/iso_3166-1.json  (Debian package iso-codes) alpha-3 codes, ISO names,
 *                                     official and common names
 * - Intl.DisplayNames('en')           CLDR English names as Node knows them ("South Korea", ...)
 * - ALIASES below                     common ways a CRM user types a country
 *
 * Only zones that this Node's Intl accepts are kept. Within a country the most populous zone comes
 * first (zone.tab's order, corrected by PRIMARY_ZONE): quiet hours fall back to that zone when a
 * country's zones have no common sending window.
 *
 * Run: npx tsx scripts/generate-country-time-zones.ts   (then review the diff and commit it)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';

const ZONE_TAB = '/usr/share/zoneinfo/zone.tab';
const ISO3166_TAB = '/usr/share/zoneinfo/iso3166.tab';
const TZDATA_ZI = '/usr/share/zoneinfo/tzdata.zi';
const ISO_CODES_JSON = '/usr/share/iso-codes/json/iso_3166-1.json';
const OUTPUT = join(__dirname, '..', 'src', 'domain', 'country-time-zones.ts');

/** Countries whose most populous zone is not listed first in zone.tab. */
const PRIMARY_ZONE: Record<string, string> = {
  AU: 'Australia/Sydney',
  BR: 'America/Sao_Paulo',
  CA: 'America/Toronto',
  PS: 'Asia/Hebron',
  RU: 'Europe/Moscow',
  UA: 'Europe/Kyiv',
  UZ: 'Asia/Tashkent',
};

/**
 * Codes that libphonenumber-js returns for numbers but that zone.tab does not list: Ascension
 * (+247) and Tristan da Cunha (part of Saint Helena in tz), Kosovo (+383, same clock as Serbia).
 */
const EXTRA_COUNTRIES: Record<string, string[]> = {
  AC: ['Atlantic/St_Helena'],
  TA: ['Atlantic/St_Helena'],
  XK: ['Europe/Belgrade'],
};

/** Hand-written aliases (normalised by normalizeCountryName below). They win over other sources. */
const ALIASES: Record<string, string> = {
  USA: 'US',
  'U.S.': 'US',
  'U.S.A.': 'US',
  'United States of America': 'US',
  America: 'US',
  UK: 'GB',
  'U.K.': 'GB',
  'Great Britain': 'GB',
  Britain: 'GB',
  England: 'GB',
  Scotland: 'GB',
  Wales: 'GB',
  'Northern Ireland': 'GB',
  'United Kingdom of Great Britain and Northern Ireland': 'GB',
  Russia: 'RU',
  'Russian Federation': 'RU',
  'South Korea': 'KR',
  Korea: 'KR',
  'Republic of Korea': 'KR',
  'North Korea': 'KP',
  UAE: 'AE',
  Emirates: 'AE',
  Holland: 'NL',
  'Czech Republic': 'CZ',
  Czechia: 'CZ',
  Turkey: 'TR',
  Türkiye: 'TR',
  'Ivory Coast': 'CI',
  "Côte d'Ivoire": 'CI',
  Vietnam: 'VN',
  'Viet Nam': 'VN',
  Laos: 'LA',
  Syria: 'SY',
  Iran: 'IR',
  Taiwan: 'TW',
  Macedonia: 'MK',
  'North Macedonia': 'MK',
  Burma: 'MM',
  Myanmar: 'MM',
  Swaziland: 'SZ',
  Eswatini: 'SZ',
  'Cape Verde': 'CV',
  'Cabo Verde': 'CV',
  DRC: 'CD',
  'DR Congo': 'CD',
  'Democratic Republic of the Congo': 'CD',
  'Congo-Kinshasa': 'CD',
  'Republic of the Congo': 'CG',
  'Congo-Brazzaville': 'CG',
  Samoa: 'WS',
  Bolivia: 'BO',
  Venezuela: 'VE',
  Tanzania: 'TZ',
  Moldova: 'MD',
  Palestine: 'PS',
  Vatican: 'VA',
  'Holy See': 'VA',
  'East Timor': 'TL',
  'Timor-Leste': 'TL',
  Micronesia: 'FM',
  'Hong Kong': 'HK',
  Macau: 'MO',
  Macao: 'MO',
  Brunei: 'BN',
  'Saint Lucia': 'LC',
  'St Lucia': 'LC',
  'Saint Kitts and Nevis': 'KN',
  'St Kitts and Nevis': 'KN',
  'Saint Vincent and the Grenadines': 'VC',
  'St Vincent': 'VC',
  'Bosnia and Herzegovina': 'BA',
  Bosnia: 'BA',
  'Trinidad and Tobago': 'TT',
  Trinidad: 'TT',
  'Antigua and Barbuda': 'AG',
  Antigua: 'AG',
  'Sao Tome and Principe': 'ST',
  'Papua New Guinea': 'PG',
  'Falkland Islands': 'FK',
  'Faroe Islands': 'FO',
  'Vatican City': 'VA',
  Kosovo: 'XK',
  'Ascension Island': 'AC',
  'Tristan da Cunha': 'TA',
};

/** Must stay identical to normalizeCountryName in src/domain/quiet-hours.ts (a test checks it). */
function normalizeCountryName(input: string): string {
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

function readTab(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
}

function intlAccepts(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface IsoCodesEntry {
  alpha_2: string;
  alpha_3: string;
  name: string;
  official_name?: string;
  common_name?: string;
}

/** "Korea, Republic of" → also "Republic of Korea"; "Myanmar (Burma)" → also "Myanmar". */
function nameVariants(name: string): string[] {
  const variants = [name];
  const withoutParens = name.replace(/\s*\([^)]*\)\s*/g, ' ').trim();
  if (withoutParens !== name) {
    variants.push(withoutParens);
  }
  for (const candidate of [...variants]) {
    const comma = candidate.match(/^([^,]+),\s*(.+)$/);
    if (comma) {
      variants.push(`${comma[2]} ${comma[1]}`, comma[1]);
    }
  }
  return variants;
}

async function main(): Promise<void> {
  const tzVersion = readFileSync(TZDATA_ZI, 'utf8').match(/^# version (\S+)/m)?.[1] ?? 'unknown';

  const zones = new Map<string, string[]>();
  const rejected: string[] = [];
  for (const [code, , zone] of readTab(ZONE_TAB)) {
    if (!intlAccepts(zone)) {
      rejected.push(zone);
      continue;
    }
    const list = zones.get(code) ?? [];
    list.push(zone);
    zones.set(code, list);
  }
  for (const [code, list] of Object.entries(EXTRA_COUNTRIES)) {
    if (!zones.has(code)) {
      zones.set(code, list.filter(intlAccepts));
    }
  }
  for (const [code, primary] of Object.entries(PRIMARY_ZONE)) {
    const list = zones.get(code);
    if (!list || !list.includes(primary)) {
      throw new Error(`PRIMARY_ZONE ${code} → ${primary} is not among ${code}'s zones`);
    }
    zones.set(code, [primary, ...list.filter((z) => z !== primary)]);
  }

  const isoCodes = (
    JSON.parse(readFileSync(ISO_CODES_JSON, 'utf8')) as { '3166-1': IsoCodesEntry[] }
  )['3166-1'];
  const alpha3 = new Map<string, string>();
  for (const entry of isoCodes) {
    if (zones.has(entry.alpha_2)) {
      alpha3.set(entry.alpha_3, entry.alpha_2);
    }
  }

  // Aliases first and authoritative; any other name claimed by two countries is dropped.
  const names = new Map<string, string>();
  const conflicts: string[] = [];
  const ambiguous = new Set<string>();
  const aliasKeys = new Set(Object.keys(ALIASES).map(normalizeCountryName));
  const add = (name: string, code: string, source: string): void => {
    if (!zones.has(code)) {
      return;
    }
    const key = normalizeCountryName(name);
    const upper = key.toUpperCase();
    // recipientTimeZones tries alpha-2, then alpha-3, then names: such a name could never be used.
    const shadowed =
      (key.length === 2 && zones.has(upper) && upper !== code) ||
      (key.length === 3 && alpha3.has(upper) && alpha3.get(upper) !== code);
    if (key === '' || shadowed) {
      conflicts.push(`${source}: '${name}' → ${code} is shadowed by a code, skipped`);
      return;
    }
    const existing = names.get(key);
    if (existing === undefined) {
      if (!ambiguous.has(key)) {
        names.set(key, code);
      }
    } else if (existing !== code && !aliasKeys.has(key)) {
      // e.g. 'Congo' (CD or CG): unrecognised, so the phone number decides.
      conflicts.push(`${source}: '${name}' is ${existing} or ${code}: ambiguous, dropped`);
      names.delete(key);
      ambiguous.add(key);
    }
  };
  for (const [name, code] of Object.entries(ALIASES)) {
    add(name, code, 'alias');
  }
  const display = new Intl.DisplayNames(['en'], { type: 'region' });
  const displayShort = new Intl.DisplayNames(['en'], { type: 'region', style: 'short' });
  for (const code of zones.keys()) {
    for (const dn of [display, displayShort]) {
      const name = dn.of(code);
      if (name !== undefined && name !== code) {
        nameVariants(name).forEach((variant) => add(variant, code, 'Intl'));
      }
    }
  }
  for (const [code, name] of readTab(ISO3166_TAB)) {
    nameVariants(name).forEach((variant) => add(variant, code, 'iso3166.tab'));
  }
  for (const entry of isoCodes) {
    for (const name of [entry.common_name, entry.name, entry.official_name]) {
      if (name !== undefined) {
        nameVariants(name).forEach((variant) => add(variant, entry.alpha_2, 'iso-codes'));
      }
    }
  }

  const sortedCodes = [...zones.keys()].sort();
  const zoneCount = sortedCodes.reduce((n, code) => n + (zones.get(code)?.length ?? 0), 0);
  const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines: string[] = [
    '/**',
    ' * GENERATED by scripts/generate-country-time-zones.ts — do not edit by hand; re-run the script.',
    ` * Sources: tzdata ${tzVersion} zone.tab + iso3166.tab, Debian iso-codes iso_3166-1.json,`,
    ` * Intl.DisplayNames (Node ${process.version}, ICU ${process.versions.icu}), hand-written aliases.`,
    ` * ${sortedCodes.length} countries, ${zoneCount} zones (only zones Node's Intl accepts), ` +
      `${alpha3.size} alpha-3 codes, ${names.size} names.`,
    ' */',
    '',
    `export const TZDATA_VERSION = ${q(tzVersion)};`,
    '',
    '/** ISO 3166-1 alpha-2 → IANA zones of that country, most populous zone first. */',
    'export const COUNTRY_TIME_ZONES: Readonly<Record<string, readonly string[]>> = {',
    ...sortedCodes.map((code) => `  ${code}: [${(zones.get(code) ?? []).map(q).join(', ')}],`),
    '};',
    '',
    '/** ISO 3166-1 alpha-3 → alpha-2. */',
    'export const COUNTRY_ALPHA3_TO_ISO2: Readonly<Record<string, string>> = {',
    ...[...alpha3.entries()].sort().map(([a3, a2]) => `  ${a3}: ${q(a2)},`),
    '};',
    '',
    '/** English country name or alias, normalised by normalizeCountryName → alpha-2. */',
    'export const COUNTRY_NAME_TO_ISO2: Readonly<Record<string, string>> = {',
    ...[...names.entries()].sort().map(([name, code]) => `  ${q(name)}: ${q(code)},`),
    '};',
    '',
  ];
  const options = (await prettier.resolveConfig(OUTPUT)) ?? {};
  const formatted = await prettier.format(lines.join('\n'), { ...options, filepath: OUTPUT });
  writeFileSync(OUTPUT, formatted);

  process.stdout.write(
    `wrote ${OUTPUT}: ${sortedCodes.length} countries, ${zoneCount} zones, ${names.size} names\n`,
  );
  if (rejected.length > 0) {
    process.stdout.write(`zones rejected by this Node's Intl: ${rejected.join(', ')}\n`);
  }
  if (conflicts.length > 0) {
    process.stdout.write(`name conflicts:\n  ${conflicts.join('\n  ')}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
