/**
 * The records of the demo store, generated from a seed so every run (and every test) produces
 * the same store. Kept apart from the `demo` command so the recipe reads on its own; see
 * resources/demo-recipe.md for what each kind of record is for.
 */
import { Ref, type Value } from '../../engine/index';

/** A deterministic PRNG (mulberry32): tiny, fast, and good enough to make data look varied. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Leslie', 'Hedy', 'Niklaus', 'Sophie', 'Tim', 'Katherine', 'John', 'Mary', 'Linus'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman', 'Lamport', 'Lamarr', 'Wirth', 'Wilson', 'Berners-Lee', 'Johnson', 'McCarthy', 'Keller', 'Torvalds'];
const CITIES: readonly (readonly [string, string])[] = [
  ['Lisbon', 'PT'], ['Oslo', 'NO'], ['Kyoto', 'JP'], ['Austin', 'US'], ['Nairobi', 'KE'], ['Lyon', 'FR'],
  ['Montréal', 'CA'], ['Tallinn', 'EE'], ['Melbourne', 'AU'], ['Recife', 'BR'], ['Zürich', 'CH'], ['Pune', 'IN'],
];
const PLANS = ['free', 'free', 'free', 'pro', 'pro', 'team', 'enterprise'];
const TAGS = ['beta', 'newsletter', 'early-adopter', 'vip', 'support', 'partner', 'edu'];
const PRODUCTS: readonly (readonly [string, string, number])[] = [
  ['SKU-1001', 'Storm lantern', 34.5], ['SKU-1002', 'Cloud atlas', 59], ['SKU-1003', 'Barometer', 120],
  ['SKU-1004', 'Rain gauge', 18.25], ['SKU-1005', 'Wind vane', 42], ['SKU-1006', 'Lightning rod', 75.9],
  ['SKU-1007', 'Anemometer', 89], ['SKU-1008', 'Thermometer', 12.5], ['SKU-1009', 'Hygrometer', 27],
];
const STATUSES = ['pending', 'paid', 'paid', 'shipped', 'shipped', 'delivered', 'delivered', 'delivered', 'refunded'];
const EVENT_TYPES = ['login', 'logout', 'page_view', 'page_view', 'page_view', 'search', 'add_to_cart', 'checkout', 'error'];
const PAGES = ['/', '/pricing', '/docs', '/docs/format', '/orders', '/settings', '/blog/hitchhikers'];
const WORDS = (
  'storm thunder hitchhiker buffer node leaf pivot root flush split commit version snapshot branch diff ' +
  'journal segment checksum superblock catalog record key value tuple prefix cursor range scan merge ' +
  'the a of and to in is that for on with as by at from it this be are was'
).split(' ');

/** 2024-01-01T00:00:00Z: event timestamps count from here so they are stable across runs. */
export const DEMO_EPOCH_MS = Date.UTC(2024, 0, 1);

/** How many records of each kind make up a demo of `total` records (exact total after all commits). */
export interface DemoPlan {
  readonly config: number;
  readonly documents: number;
  readonly users: number;
  readonly orders: number;
  /** Events present at the end; `expired` more are written first and range-deleted later. */
  readonly events: number;
  readonly expired: number;
  /** Users added by the last commit on main (after the experiment branch forked). */
  readonly lateUsers: number;
}

/** Smallest `--records` the recipe can honour (every kind needs a few records). */
export const DEMO_MIN_RECORDS = 100;

/** Splits `total` into the kinds of records; the final store holds exactly `total`. */
export function planDemo(total: number): DemoPlan {
  const config = CONFIG_NAMES.length;
  const documents = DOCUMENTS.length;
  const lateUsers = 5;
  const users = Math.max(10, Math.round(total * 0.1));
  const orders = Math.max(10, Math.round(total * 0.35));
  const events = total - config - documents - lateUsers - users - orders;
  return { config, documents, users, orders, events, expired: Math.max(1, Math.round(events * 0.02)), lateUsers };
}

const CONFIG_NAMES = ['features', 'limits', 'theme', 'retention', 'pricing', 'regions', 'email', 'search', 'maintenance', 'homepage', 'api', 'billing'] as const;

/** Values as the demo builds them: the records layer's values (with Refs). */
export type DemoValue = Value;

/** A reference to the record at `key`. */
function refTo(key: (string | number)[]): Ref {
  return new Ref(key);
}

/** One record of the demo. */
export interface DemoRecord {
  readonly key: (string | number)[];
  readonly value: DemoValue;
}

/**
 * Configuration records: small, deeply nested; `homepage` references a document and a user.
 * Release 1's homepage spotlights user `firstLateUser`, who registers only in the last commit:
 * that reference dangles in every version before release 2 fixes it (an older version to find
 * a dangling reference in, while every branch head — what `check` verifies — stays clean).
 */
export function configRecords(version: 1 | 2, firstLateUser: number): DemoRecord[] {
  const values: Record<(typeof CONFIG_NAMES)[number], DemoValue> = {
    features: { darkMode: true, diffView: { enabled: true, modes: ['split', 'unified'] }, lockMonitor: version === 2, experimental: version === 2 ? ['range-watch'] : [] },
    limits: { maxKeyBytes: 2048, maxValueBytes: 4 * 1024 * 1024 * 1024 - 1, requestsPerMinute: version === 2 ? 1200 : 600 },
    theme: { default: 'system', accent: '#4a7dff', fonts: { mono: 'JetBrains Mono', ui: 'Inter' } },
    retention: { events: { days: 90 }, versions: { keepLast: 50, keepSnapshots: true } },
    pricing: { currency: 'EUR', plans: { free: 0, pro: 12, team: 49, enterprise: null }, vatIncluded: true },
    regions: [{ id: 'eu-west', primary: true }, { id: 'us-east', primary: false }, { id: 'ap-south', primary: false }],
    email: { from: 'noreply@thunderhead.example', templates: ['welcome', 'receipt', 'password-reset'] },
    search: { analyzer: 'standard', boost: { title: 3, body: 1 }, synonyms: [['storm', 'thunderstorm'], ['db', 'database']] },
    maintenance: { window: { day: 'sunday', startUtc: '02:00', minutes: 30 }, active: false },
    homepage: { title: 'Welcome to Thunderhead', handbook: refTo(['docs', 'handbook']), spotlight: refTo(['users', version === 2 ? 1 : firstLateUser]) },
    api: { version: version === 2 ? 'v2' : 'v1', deprecated: version === 2 ? ['v1'] : [], cors: ['https://inspector.example'] },
    billing: { provider: 'ledger', retries: [1, 5, 30], webhooks: { enabled: true, secretRef: 'vault:billing/webhook' } },
  };
  return CONFIG_NAMES.map((name) => ({ key: ['config', name], value: values[name] }));
}

function prose(random: Random, bytes: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const sentence = Array.from({ length: random.int(6, 16) }, () => random.pick(WORDS)).join(' ');
    const text = `${sentence[0].toUpperCase()}${sentence.slice(1)}.`;
    parts.push(text);
    length += text.length + 1;
  }
  return parts.join(' ');
}

const DOCUMENTS = ['handbook', 'changelog', 'format-notes', 'logo.bin'] as const;

/** A few values well over 64 KiB, so they live off-tree: three texts and one binary blob. */
export function documentRecords(random: Random): DemoRecord[] {
  return DOCUMENTS.map((name, i) => {
    if (name === 'logo.bin') {
      const bytes = new Uint8Array(96 * 1024);
      for (let j = 0; j < bytes.length; j++) bytes[j] = random.int(0, 255);
      return { key: ['docs', name], value: bytes };
    }
    const sections = Array.from({ length: 6 }, (_, s) => ({ heading: `Section ${s + 1}`, text: prose(random, 12 * 1024 + i * 4096) }));
    return {
      key: ['docs', name],
      value: { title: name.replace('-', ' '), author: refTo(['users', 1 + i]), revision: 1, sections },
    };
  });
}

/** A user profile. */
export function userRecord(random: Random, id: number): DemoRecord {
  const first = random.pick(FIRST);
  const last = random.pick(LAST);
  const [city, country] = random.pick(CITIES);
  const tags = TAGS.filter(() => random.chance(0.2));
  return {
    key: ['users', id],
    value: {
      name: `${first} ${last}`,
      email: `${first}.${last}.${id}@example.com`.toLowerCase(),
      plan: random.pick(PLANS),
      joined: new Date(DEMO_EPOCH_MS - random.int(0, 900) * 86_400_000).toISOString().slice(0, 10),
      address: { city, country },
      tags,
      settings: { newsletter: random.chance(0.4), theme: random.pick(['dark', 'light', 'system']) },
    },
  };
}

/** An order, referencing its user. */
export function orderRecord(random: Random, orderId: number, userCount: number): DemoRecord {
  const userId = random.int(1, userCount);
  const items = Array.from({ length: random.int(1, 4) }, () => {
    const [sku, name, price] = random.pick(PRODUCTS);
    return { sku, name, qty: random.int(1, 3), price };
  });
  const subtotal = items.reduce((sum, item) => sum + item.qty * item.price, 0);
  const total = Math.round(subtotal * 100) / 100;
  return {
    key: ['orders', userId, orderId],
    value: {
      user: refTo(['users', userId]),
      items,
      total,
      currency: 'EUR',
      status: random.pick(STATUSES),
      placedAt: new Date(DEMO_EPOCH_MS + orderId * 7_919).toISOString(),
    },
  };
}

/** Event `seq` at time `ts` (ms); several events can share a millisecond, told apart by seq. */
export function eventRecord(random: Random, ts: number, seq: number, userCount: number): DemoRecord {
  const type = random.pick(EVENT_TYPES);
  const data: { [key: string]: DemoValue } =
    type === 'page_view' ? { path: random.pick(PAGES), ms: random.int(20, 900) }
      : type === 'search' ? { query: `${random.pick(WORDS)} ${random.pick(WORDS)}`, results: random.int(0, 40) }
        : type === 'error' ? { code: random.pick(['E_TIMEOUT', 'E_LOCKED', 'E_CORRUPT']), retry: random.chance(0.5) }
          : { ok: true };
  return { key: ['events', ts, seq], value: { type, user: random.int(1, userCount), data } };
}

/** The timestamps of events, in order: a few events a second, sometimes in the same ms. */
export function* eventTimes(random: Random, count: number): Generator<{ ts: number; seq: number }> {
  let ts = DEMO_EPOCH_MS;
  let seq = 0;
  for (let i = 0; i < count; i++) {
    if (random.chance(0.9)) {
      ts += random.int(1, 400);
      seq = 0;
    } else seq++;
    yield { ts, seq };
  }
}
