/**
 * Before measuring: both servers must give the same answers to the same requests (same status,
 * same JSON), and refuse the same bad ones. Otherwise the ratio would compare different work.
 */
import { prng } from './catalogue';
import { Gen, RequestSpec, Scenario, ScenarioData } from './scenarios';

export interface Target {
  name: string;
  baseUrl: string;
}

interface Answer {
  status: number;
  body: unknown;
}

async function send(target: Target, spec: RequestSpec, data: ScenarioData, token?: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  const bearer = token ?? (spec.token === 'user' ? data.userToken : spec.token === 'staff' ? data.staffToken : undefined);
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (spec.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${target.baseUrl}${spec.path}`, { method: spec.method, headers, body: spec.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { status: res.status, body };
}

/** The first path where two JSON values differ, or null. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    return `${path}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
  }
  if (typeof a !== 'object' || a === null) return a === b ? null : `${path}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
  if (Array.isArray(a)) {
    const bArr = b as unknown[];
    if (a.length !== bArr.length) return `${path}: ${a.length} items vs ${bArr.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], bArr[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) {
    if (!(key in ao) || !(key in bo)) return `${path}.${key}: only in ${key in ao ? 'the first' : 'the second'}`;
    const d = firstDifference(ao[key], bo[key], `${path}.${key}`);
    if (d) return d;
  }
  return null;
}

/** The same value with every leaf replaced by its type: compares the shape of answers whose values must differ. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return value === null ? null : typeof value;
}

function without(value: unknown, ...keys: string[]): unknown {
  const copy = { ...(value as Record<string, unknown>) };
  for (const key of keys) delete copy[key];
  return copy;
}

function expectSame(what: string, a: Answer, b: Answer, targets: [Target, Target], compare: (x: unknown) => unknown = (x) => x): void {
  const [ta, tb] = targets;
  if (a.status !== b.status) throw new Error(`${what}: ${ta.name} answered ${a.status}, ${tb.name} ${b.status} (${JSON.stringify(a.body).slice(0, 200)} / ${JSON.stringify(b.body).slice(0, 200)})`);
  if (a.status < 200 || a.status >= 300) throw new Error(`${what}: both answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`);
  const d = firstDifference(compare(a.body), compare(b.body));
  if (d) throw new Error(`${what}: ${ta.name} and ${tb.name} answered differently at ${d}`);
}

/** Throws, naming the scenario and the first difference, unless both targets answer alike. */
export async function checkSameAnswers(targets: [Target, Target], scenarios: Scenario[], data: ScenarioData, tag: string, log: (line: string) => void): Promise<void> {
  const [a, b] = targets;
  for (const scenario of scenarios) {
    const gen = (seed: number, target: string): Gen => ({ rnd: prng(seed), data, freshCode: () => `${tag}-check-${target}` });
    if (scenario.id === 'login') {
      const [ra, rb] = [await send(a, scenario.next(gen(1, 'a')), data), await send(b, scenario.next(gen(1, 'b')), data)];
      expectSame(scenario.id, ra, rb, targets, shape);
      for (const [r, t] of [[ra, 'a'], [rb, 'b']] as const) {
        const body = r.body as { isNewUser: boolean; user: { openid: string } };
        if (!body.isNewUser || body.user.openid !== `dev_${tag}-check-${t}`) throw new Error(`login: expected a new user dev_${tag}-check-${t}, got ${JSON.stringify(body.user)}`);
      }
    } else if (scenario.id === 'patch') {
      const spec = scenario.next(gen(1, 'a'));
      const ra = await send(a, spec, data);
      const rb = await send(b, spec, data);
      expectSame(scenario.id, ra, rb, targets, (x) => without(x, 'version', 'updatedAt'));
      const [va, vb] = [(ra.body as { version: number }).version, (rb.body as { version: number }).version];
      if (vb !== va + 1) throw new Error(`patch: versions ${va} then ${vb}; each PATCH must add one`);
    } else if (scenario.walk) {
      let [pa, pb] = [await send(a, scenario.next(gen(1, 'a'), null), data), await send(b, scenario.next(gen(1, 'b'), null), data)];
      for (let page = 1; page <= 3; page++) {
        expectSame(`${scenario.id}, page ${page}`, pa, pb, targets);
        const next = (pa.body as { nextCursor: string | null }).nextCursor;
        if (!next) break;
        [pa, pb] = [await send(a, scenario.next(gen(1, 'a'), next), data), await send(b, scenario.next(gen(1, 'b'), next), data)];
      }
      const first = await send(a, { method: 'GET', path: '/api/goods', token: 'user' }, data);
      const firstB = await send(b, { method: 'GET', path: '/api/goods', token: 'user' }, data);
      expectSame(`${scenario.id}, first page`, first, firstB, targets);
    } else {
      // Several requests of each, so more than one term or page is compared.
      for (let i = 0; i < 3; i++) {
        const [ga, gb] = [gen(100 + i, 'a'), gen(100 + i, 'b')];
        const spec = scenario.next(ga);
        scenario.next(gb);
        expectSame(`${scenario.id} ${spec.method} ${decodeURIComponent(spec.path)}`, await send(a, spec, data), await send(b, spec, data), targets);
      }
    }
  }
  // The work the servers must not skip: the token, its session, the role, the input.
  const id = data.ids[0];
  const [h, p, s] = data.userToken.split('.');
  const tampered = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
  const refusals: [string, RequestSpec, number, string?][] = [
    ['no token', { method: 'GET', path: `/api/goods/${id}`, token: null }, 401],
    ['a tampered signature', { method: 'GET', path: `/api/goods/${id}`, token: 'user' }, 401, tampered],
    ['a user writing', { method: 'PATCH', path: `/api/goods/${id}`, body: '{"stock":1}', token: 'user' }, 403],
    ['a malformed id', { method: 'GET', path: '/api/goods/not-a-uuid', token: 'user' }, 400],
    ['an unknown parameter', { method: 'GET', path: '/api/goods?colour=red', token: 'user' }, 400],
  ];
  for (const [what, spec, status, token] of refusals) {
    for (const target of targets) {
      const r = await send(target, spec, data, token);
      if (r.status !== status) throw new Error(`${target.name} answered ${r.status} to ${what}; expected ${status}`);
    }
  }
  log(`same answers from ${a.name} and ${b.name} for ${scenarios.map((s) => s.id).join(', ')}; both refuse bad tokens, users writing and bad input`);
}
