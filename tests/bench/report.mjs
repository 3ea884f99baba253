// Turns one bench run (ops/bench.sh's results directory) into the Markdown section of
// BENCHMARKS.md for its mode (between <!-- bench:MODE:begin --> and <!-- bench:MODE:end -->),
// and prints the same text.
//
//   node tests/bench/report.mjs RESULTS-DIR BENCHMARKS.md
import fs from 'node:fs';
import path from 'node:path';

const [dir, mdFile] = process.argv.slice(2);
if (!dir || !mdFile) {
	console.error('usage: node tests/bench/report.mjs RESULTS-DIR BENCHMARKS.md');
	process.exit(2);
}

const meta = Object.fromEntries(
	fs.readFileSync(path.join(dir, 'meta.txt'), 'utf8').split('\n').filter(Boolean)
		.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
function table(file, text) {
	const map = new Map();
	let lines = [];
	try {
		lines = fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n');
	} catch {
		return map;
	}
	const head = lines.shift().split('\t');
	for (const l of lines) {
		const f = l.split('\t');
		const r = Object.fromEntries(head.map((h, i) => [h, f[i]]));
		for (const k of head) if (!text.includes(k)) r[k] = Number(r[k]);
		if (f[4] === 'skipped') r.skipped = true;
		map.set(r.id, r);
	}
	return map;
}
// Load runs (throughput and latency) and the one-at-a-time probes (SQL statements per request).
const rows = table('results.tsv', ['id', 'label', 'tenant']);
const sqlRows = table('sql.tsv', ['id', 'label']);
const sqlOf = (id) => sqlRows.get(id.replace(/-c\d+$/, ''));
const stmts = (id) => (sqlOf(id) ? sqlOf(id).stmts.toFixed(1) : '–');
const sumLine = (file) => {
	try {
		const text = fs.readFileSync(path.join(dir, file), 'utf8').trim();
		return Object.fromEntries(text.split(/\s+/).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
	} catch {
		return null;
	}
};

const ms = (us) => (us / 1000).toFixed(us < 10000 ? 2 : 1);
const int = (x) => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
const pct = (x) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;
const yes = (ok) => (ok ? 'yes' : '**no**');

// Ratio targets (of the FastCGI ceiling at the same concurrency), and the paths that are reads.
const targets = {
	get: { ratio: 0.25 },
	queue: { ratio: 0.07 },
	view: { ratio: 0.05, per: 3 },
	custlist: { ratio: 0.07 },
	create: { ratio: 0.04, noErrorsAt: 64 },
	note: { ratio: 0.08 },
	move: { ratio: 0.08 },
	board: { ratio: 0.05, p99ms: 50 },
};
const reads = new Set(['get', 'queue', 'notes', 'timeline', 'view', 'custlist', 'board']);
const order = ['get', 'queue', 'notes', 'timeline', 'view', 'custlist', 'board', 'create', 'note', 'move'];

// The FastCGI ceiling: the no-database ping where the build has it, else healthz.
const ceilingId = rows.get('ping-c16') ? 'ping' : 'healthz';
const ceiling = (c) => rows.get(`${ceilingId}-c${c}`);
const errors = (r) => r.non2xx + r.sockerr;
const errText = (r) => (r.sockerr ? `${r.non2xx} (+${r.sockerr} socket)` : `${r.non2xx}`);

function verdict(key, r) {
	const t = targets[key];
	const parts = [];
	let ok = true;
	const ceil = ceiling(r.c);
	const rate = r.rps / (t?.per || 1);
	if (t && ceil) {
		const good = rate >= t.ratio * ceil.rps;
		parts.push(`≥${Math.round(t.ratio * 100)} %: ${yes(good)}`);
		ok &&= good;
	}
	if (t?.p99ms) {
		const good = r.p99_us < t.p99ms * 1000;
		parts.push(`p99 < ${t.p99ms} ms: ${yes(good)}`);
		ok &&= good;
	}
	if (t?.noErrorsAt && r.c === t.noErrorsAt) {
		const good = errors(r) === 0;
		parts.push(`no errors: ${yes(good)}`);
		ok &&= good;
	}
	if (reads.has(key)) {
		const good = r.p99_us < 4 * r.p50_us;
		parts.push(`p99 < 4×p50: ${yes(good)}`);
		ok &&= good;
	}
	if (!reads.has(key) && !t?.noErrorsAt && errors(r) > 0) {
		parts.push(`errors: **${errors(r)}**`);
		ok = false;
	}
	return { text: parts.join(', ') || '–', ok };
}

const out = [];
const p = (s = '') => out.push(s);
const big = meta.big, mid = meta.mid;

p(`### ${meta.mode === 'quick' ? 'Quick run' : 'Full run'} (${meta.date})`);
p();
p(`Command: \`${meta.command}\` — ${meta.duration} s per measurement, wrk ${meta.threads} threads, ` +
	`${meta.workers} portald workers, large tenant \`${big}\` (${meta.rows}).`);
p();
p('| machine | |');
p('| --- | --- |');
p(`| nproc | ${meta.nproc} |`);
p(`| memory | ${meta.memory} |`);
p(`| CPU model | ${meta.cpu} |`);
p(`| kernel | ${meta.kernel} |`);
p(`| software | ${meta.versions} |`);
if (meta.buffer_pool) p(`| InnoDB buffer pool | ${meta.buffer_pool}${meta.buffer_pool_set ? ' (set by BENCH_BUFFER_POOL, not as make run sizes it)' : ' (as make run sizes it: a quarter of the memory, at most 8 GiB), filled before measuring'} |`);
p(`| load average at the start | ${meta.load} (the CPU is shared: figures move with other work) |`);
{
	const g = Object.fromEntries((meta.generation || '').split(' ').filter(Boolean).map((kv) => kv.split('=')));
	const took = g.seconds ? `${g.tenants} tenant${g.tenants === '1' ? '' : 's'} in ${Math.floor(g.seconds / 60)} min ${g.seconds % 60} s (${g.date})` : 'unknown';
	p(`| data set generation | ${meta.generated_now === '1' ? 'generated in this run: ' : 'reused; the last generation of this mode made '}${took} |`);
}
p();
p(ceilingId === 'ping'
	? '**Ceilings.** The FastCGI ceiling is `GET /api/v1/ping` (nginx → FastCGI → a worker that answers without ' +
		'touching the database, tenant or token); `healthz` adds one `SELECT 1`. Every ratio below is to the ping at the same concurrency.'
	: '**Ceilings.** This build has no `/api/v1/ping`: the FastCGI ceiling is `GET /api/v1/healthz` (FastCGI + one `SELECT 1`).');
p();
p('| what | c | req/s | p50 ms | p99 ms | non-2xx/3xx | × FastCGI ceiling | SQL/req |');
p('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const id of ['static', 'ping', 'healthz']) {
	for (const c of [16, 64]) {
		const r = rows.get(`${id}-c${c}`);
		if (!r || r.skipped) continue;
		p(`| ${r.label} | ${c} | ${int(r.rps)} | ${ms(r.p50_us)} | ${ms(r.p99_us)} | ${errText(r)} | ` +
			`${(r.rps / ceiling(c).rps).toFixed(2)} | ${id === 'static' ? '–' : stmts(r.id)} |`);
	}
}
p();
p(`**Hot paths on \`${big}\`.** SQL/req: statements a request ran, from the \`sql\` count of each worker\'s ` +
	'request log line over up to 50 requests sent one at a time (statements run by triggers not counted).');
p();
p('| path | c | req/s | p50 ms | p99 ms | non-2xx/3xx | × FastCGI ceiling | SQL/req | target met |');
p('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
let allOk = true;
const missed = [];
for (const key of order) {
	for (const c of [16, 64]) {
		const r = rows.get(`big-${key}-c${c}`);
		if (!r) continue;
		if (r.skipped) {
			allOk = false;
			missed.push(`${r.label} c=${c}`);
			p(`| ${r.label} | ${c} | not run: under 10 req/s at c=16 | | | | | ${stmts(r.id)} | **no** |`);
			continue;
		}
		const ceil = ceiling(c);
		const per = targets[key]?.per || 1;
		const ratio = ceil ? r.rps / per / ceil.rps : NaN;
		const v = verdict(key, r);
		if (!v.ok) {
			allOk = false;
			missed.push(`${r.label} c=${c}`);
		}
		const rate = per > 1 ? `${int(r.rps)} (${int(r.rps / per)} views/s)` : int(r.rps);
		p(`| ${r.label} | ${c} | ${rate} | ${ms(r.p50_us)} | ${ms(r.p99_us)} | ${errText(r)} | ${pct(ratio)} | ` +
			`${stmts(r.id)} | ${v.text} |`);
	}
}
p();

// Routing: the routed create next to its plain twin (target: at most 2x the cost), and the
// router's choice among 500 agents (target: under 1 ms of worker time).
const routed = [16, 64].map((c) => [c, rows.get(`rt0-create-c${c}`), rows.get(`rt-create-c${c}`)])
	.filter(([, a, b]) => a && b && !a.skipped && !b.skipped);
if (routed.length) {
	p('**Routing.** Creating a ticket in `bench-rt` (category "Printers": the router picks by skill among 500 agents, and ' +
		'three enabled rules fire: a tag, an internal note, a notification) next to the same create in its twin `bench-rt0` ' +
		'(same data, no routing, no rules), in the same run. Cost: the plain rate over the routed rate; one at a time: ' +
		'the mean time of the probe\'s requests. Target: at most 2×.');
	p();
	p('| c | plain req/s | routed req/s | plain p50 ms | routed p50 ms | cost routed / plain | SQL/req plain → routed | met |');
	p('| --- | --- | --- | --- | --- | --- | --- | --- |');
	for (const [c, plain, rt] of routed) {
		const cost = plain.rps / rt.rps;
		// Refusals (429 portal_busy) are quick answers, not creates: a run with any is no measure.
		const clean = errors(plain) === 0 && errors(rt) === 0;
		if (cost > 2 || !clean) missed.push(`routed create c=${c}`);
		p(`| ${c} | ${int(plain.rps)} | ${int(rt.rps)} | ${ms(plain.p50_us)} | ${ms(rt.p50_us)} | ` +
			`${clean ? `${cost.toFixed(2)}×` : `not comparable: non-2xx ${errText(plain)} / ${errText(rt)}`} | ` +
			`${stmts(plain.id)} → ${stmts(rt.id)} | ${clean ? yes(cost <= 2) : '**no**'} |`);
	}
	const one = sumLine('rt-create.probe'), one0 = sumLine('rt0-create.probe');
	if (one && one0) {
		const cost = one.mean_us / one0.mean_us;
		if (cost > 2) missed.push('routed create one at a time');
		p(`| 1 (probe) | – | – | ${ms(one0.mean_us)} (mean) | ${ms(one.mean_us)} (mean) | ${cost.toFixed(2)}× | ` +
			`${stmts('rt0-create')} → ${stmts('rt-create')} | ${yes(cost <= 2)} |`);
	}
	p();
}
let router = [];
try {
	router = fs.readFileSync(path.join(dir, 'router.txt'), 'utf8').trim().split('\n').filter(Boolean)
		.map((l) => Object.fromEntries(l.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])));
} catch {
	router = [];
}
if (router.length) {
	p('**The router\'s choice** (`build/bench-router`, `tests/bench/router.c`). *Choice alone*: `assign_choose` over 500 ' +
		'candidates in memory (levels 1–5 for a level-2 need, capacities 5–60, a quarter away), many times; its CPU ' +
		'time per call. *Choice with its SQL*: `assign_pick` on the tenant\'s newest routed ticket, as a worker makes it ' +
		'(the ticket, the category\'s skill and level from the cached configuration, the short list of the best eligible ' +
		'agents the database reads in the router\'s order out of all the tenant\'s agents, the pick); ' +
		'*routing*: `assign_route`, the choice and its recording (assignment, stamp, timeline, what reacts to it). Each ' +
		'call in a transaction that is rolled back; wall time is how long the worker is busy (MariaDB included), CPU ' +
		'the worker\'s own. Target: the choice under 1 ms of worker time.');
	p();
	p('| what | tenant | agents (short list) | statements | calls | wall p50 ms | wall p99 ms | CPU p50 ms | CPU p99 ms | under 1 ms |');
	p('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
	const m3 = (us) => (Number(us) / 1000).toFixed(3);
	for (const r of router) {
		if (r.what === 'choose') {
			p(`| choice alone | in memory | ${r.candidates} (${r.eligible} eligible) | 0 | ${Number(r.iterations).toLocaleString('en-US')} | ` +
				`${m3(Number(r.wall_ns) / 1000)} | – | ${m3(Number(r.cpu_ns) / 1000)} | – | ${yes(Number(r.cpu_ns) < 1e6)} |`);
			continue;
		}
		const label = r.what === 'pick' ? 'choice with its SQL' : 'routing (choice + recording)';
		const ok = Number(r.wall_p50_us) < 1000;
		if (r.what === 'pick' && r.tenant === 'bench-rt' && !ok) missed.push('router choice under 1 ms');
		p(`| ${label} | \`${r.tenant}\` | ${r.agents ?? '?'} (${r.candidates}) | ${Number(r.stmts).toFixed(1)} | ${r.rounds} | ${m3(r.wall_p50_us)} | ` +
			`${m3(r.wall_p99_us)} | ${m3(r.cpu_p50_us)} | ${m3(r.cpu_p99_us)} | ${r.what === 'pick' ? yes(ok) + ' (wall p50)' : '–'} |`);
	}
	p();
}

const login = rows.get('big-login-c2');
const alone = rows.get('big-get-alone-c16') || rows.get('big-get-c16');
const during = rows.get('big-get-login-c16');
const bgLogin = sumLine('big-login-bg.sum');
if (login) {
	p('**Sign-in** (argon2id, about 12 ms of CPU per attempt by design) at low concurrency, and ' +
		'GET one ticket with and without two clients signing in at the same time:');
	p();
	p('| what | c | req/s | p50 ms | p99 ms | non-2xx/3xx | SQL/req |');
	p('| --- | --- | --- | --- | --- | --- | --- |');
	p(`| sign-in | 2 | ${int(login.rps)} | ${ms(login.p50_us)} | ${ms(login.p99_us)} | ${errText(login)} | ${stmts('big-login')} |`);
	if (alone) p(`| GET one ticket, alone | 16 | ${int(alone.rps)} | ${ms(alone.p50_us)} | ${ms(alone.p99_us)} | ${errText(alone)} | ${stmts('big-get')} |`);
	if (during) p(`| GET one ticket, during 2 sign-ins | 16 | ${int(during.rps)} | ${ms(during.p50_us)} | ${ms(during.p99_us)} | ${errText(during)} | – |`);
	if (bgLogin) {
		const secs = bgLogin.duration_us / 1e6;
		p(`| sign-in, during that GET load | 2 | ${int(bgLogin.requests / secs)} | ${ms(bgLogin.p50_us)} | ${ms(bgLogin.p99_us)} | ${bgLogin.non2xx} | – |`);
	}
	if (alone && during)
		p(`\nDuring the sign-ins GET one ticket ran at ${pct(during.rps / alone.rps)} of its rate alone ` +
			`(p99 ${ms(alone.p99_us)} → ${ms(during.p99_us)} ms).`);
	p();
}

let reports = [];
try {
	reports = fs.readFileSync(path.join(dir, 'reports.tsv'), 'utf8').trim().split('\n').slice(1)
		.map((l) => l.split('\t')).map(([name, range, status, ...t]) => ({ name, range, status, ms: t.map(Number).sort((a, b) => a - b)[1] }));
} catch {
	reports = [];
}
if (reports.length) {
	p(`**Reports** on \`${big}\` as its admin, one request at a time (median of three, curl's total time); ` +
		'targets: the last 30 days under 300 ms, two years under 2 s (`open` is "now").');
	p();
	p('| report | range | status | ms | met |');
	p('| --- | --- | --- | --- | --- |');
	for (const r of reports) {
		const limit = r.range === '2y' ? 2000 : 300;
		const ok = r.status === '200' && r.ms < limit;
		if (!ok) missed.push(`report ${r.name} ${r.range}`);
		p(`| ${r.name} | ${r.range === '2y' ? 'two years' : r.name === 'open' ? 'now' : '30 days'} | ${r.status} | ${r.ms.toFixed(0)} | ${yes(ok)} |`);
	}
	p();
}

let openReads = [];
try {
	openReads = fs.readFileSync(path.join(dir, 'open-reads.tsv'), 'utf8').trim().split('\n').slice(1)
		.map((l) => l.split('\t')).map(([p, n, p50, p90, max, status]) =>
			({ path: p, n: Number(n), p50: Number(p50), p90: Number(p90), max: Number(max), status }));
} catch {
	openReads = [];
}
if (openReads.length) {
	p(`**The board and a queue page on \`${meta.open}\`** (every ticket open work), as an agent, one request at a ` +
		'time (curl\'s total time on loopback); targets: the board under 50 ms, a queue page of 50 tickets with ' +
		'their lights under 10 ms.');
	p();
	p('| request | requests | p50 ms | p90 ms | max ms | status | p50 under target |');
	p('| --- | --- | --- | --- | --- | --- | --- |');
	for (const r of openReads) {
		const limit = r.path.includes('board') ? 50 : 10;
		const applies = meta.mode === 'full';
		const ok = r.status === '200' && r.p50 < limit;
		if (applies && !ok) missed.push(`${r.path} on ${meta.open}`);
		p(`| \`GET ${r.path}\` | ${r.n} | ${r.p50.toFixed(1)} | ${r.p90.toFixed(1)} | ${r.max.toFixed(1)} | ${r.status} | ` +
			`${applies ? yes(ok) : '– (quick: a tenth of the size)'} |`);
	}
	p();
}

let recomputes = [];
try {
	recomputes = fs.readFileSync(path.join(dir, 'recompute.tsv'), 'utf8').trim().split('\n').slice(1)
		.map((l) => l.split('\t')).map(([id, label, tickets, seconds, moved, putToDone]) =>
			({ id, label, tickets: Number(tickets), seconds: Number(seconds), moved: Number(moved), putToDone: Number(putToDone) }));
} catch {
	recomputes = [];
}
if (recomputes.length) {
	p(`**Recomputing the lights** of every open ticket of \`${meta.open}\` after \`PUT /api/v1/admin/lights\`, ` +
		'done by the scheduler in batches of 500 tickets: its own time, and from the PUT until it was done (the ' +
		'wait for its next pass included). Target: a tenant with 100,000 open tickets in under 30 s, without ' +
		'blocking requests.');
	p();
	p('| change | tickets with clocks | moved (timeline entries) | seconds | PUT to done, s | under 30 s |');
	p('| --- | --- | --- | --- | --- | --- |');
	const count = (x) => Math.round(x).toLocaleString('en-US');
	for (const r of recomputes) {
		// The full data set's tenant has over 100,000 open tickets; the quick one a tenth of that.
		const applies = meta.mode === 'full';
		const ok = r.seconds < 30;
		if (applies && !ok) missed.push(`recompute: ${r.label}`);
		p(`| ${r.label} | ${count(r.tickets)} | ${count(r.moved)} | ${r.seconds.toFixed(1)} | ${r.putToDone.toFixed(1)} | ` +
			`${applies ? yes(ok) : '– (quick: a tenth of the size)'} |`);
	}
	const alone = rows.get('open-get-alone-c16'), during = rows.get('recompute-off-get-c16');
	if (alone && during && !alone.skipped && !during.skipped) {
		p();
		p('| GET one ticket, c=16 | req/s | p50 ms | p99 ms | non-2xx/3xx |');
		p('| --- | --- | --- | --- | --- |');
		for (const r of [alone, during])
			p(`| ${r.label} | ${int(r.rps)} | ${ms(r.p50_us)} | ${ms(r.p99_us)} | ${errText(r)} |`);
		p(`\nWhile the first recomputation ran GET one ticket on the same tenant kept ${pct(during.rps / alone.rps)} ` +
			`of its rate (p99 ${ms(alone.p99_us)} → ${ms(during.p99_us)} ms).`);
	}
	p();
}

const curve = [1, 2, 4, 8].map((w) => [w, rows.get(`curve-w${w}-ping`), rows.get(`curve-w${w}-get`)]).filter(([, a, b]) => a && b);
if (curve.length) {
	p('**Worker count** (portald started again with each count; c=64): the FastCGI ceiling and GET one ticket, ' +
		'and GET as a share of the ceiling at the same count.');
	p();
	p('| workers | ping req/s | GET one ticket req/s | GET p99 ms | GET / ping |');
	p('| --- | --- | --- | --- | --- |');
	for (const [w, ping, get] of curve)
		p(`| ${w} | ${int(ping.rps)} | ${int(get.rps)} | ${ms(get.p99_us)} | ${pct(get.rps / ping.rps)} |`);
	p();
}

const flat = [];
for (const key of ['get', 'queue', 'notes', 'timeline', 'custlist', 'board']) {
	for (const c of [16, 64]) {
		const b = rows.get(`big-${key}-c${c}`), m = rows.get(`mid-${key}-c${c}`);
		if (b && m && !b.skipped && !m.skipped) flat.push([b, m, c]);
	}
}
if (flat.length) {
	p(`**Flat with size:** the same reads on \`${mid}\` (${int(Number(meta.mid_n))} tickets) and \`${big}\` ` +
		`(${int(Number(meta.big_n))}); target: at most 10 % slower on the large tenant.`);
	p();
	p(`| path | c | ${mid} req/s | ${big} req/s | ${big} / ${mid} | p99 ms ${mid} → ${big} | met |`);
	p('| --- | --- | --- | --- | --- | --- | --- |');
	for (const [b, m, c] of flat) {
		const ok = b.rps >= 0.9 * m.rps;
		if (!ok) missed.push(`flat: ${b.label} c=${c}`);
		p(`| ${b.label} | ${c} | ${int(m.rps)} | ${int(b.rps)} | ${(b.rps / m.rps).toFixed(2)} | ` +
			`${ms(m.p99_us)} → ${ms(b.p99_us)} | ${yes(ok)} |`);
	}
	p();
}

p('**SQL per request** (one request at a time, large tenant): all statements (from the request log), then, ' +
	'from the server\'s counters less the scheduler\'s idle rate, SELECTs, INSERTs, ' +
	'UPDATEs/DELETEs and transaction control (BEGIN/COMMIT/ROLLBACK); then InnoDB buffer pool misses ' +
	'(pages read from the file), fsyncs and row lock waits per request.');
p();
p('| path | requests probed | statements | SELECT | INSERT | UPDATE/DELETE | BEGIN/COMMIT | pool misses | fsyncs | lock waits |');
p('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
for (const r of sqlRows.values()) {
	if (r.id === 'static') continue;
	p(`| ${r.label} | ${r.requests} | ${f2(r.stmts)} | ${f2(r.sel)} | ${f2(r.ins)} | ${f2(r.upd)} | ${f2(r.tx)} | ` +
		`${f2(r.bp_reads)} | ${f2(r.fsyncs)} | ${f2(r.lock_waits)} |`);
}
p();
const slowDrain = [...rows.values()].filter((r) => !r.skipped && r.drain_s > 3);
if (slowDrain.length) {
	p('Requests wrk gave up on still run to the end in portald; the next measurement waited for that queue to ' +
		'drain: ' + slowDrain.map((r) => `${r.label} c=${r.c} ${r.drain_s.toFixed(0)} s`).join(', ') + '.');
	p();
}

const rss = (file) => {
	try {
		return fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').filter(Boolean)
			.map((l) => l.split(/\s+/)).map(([pid, role, kb]) => ({ pid, role, kb: Number(kb) }));
	} catch {
		return [];
	}
};
const before = rss('rss-before.txt'), after = rss('rss-after.txt');
if (after.length) {
	p('**portald children, RSS** (VmRSS of the master\'s children, before the first and after the last measurement):');
	p();
	p('| pid | role | before | after |');
	p('| --- | --- | --- | --- |');
	for (const a of after) {
		const b = before.find((x) => x.pid === a.pid);
		p(`| ${a.pid} | ${a.role} | ${b ? (b.kb / 1024).toFixed(1) + ' MiB' : '(new)'} | ${(a.kb / 1024).toFixed(1)} MiB |`);
	}
	for (const b of before) if (!after.find((x) => x.pid === b.pid)) p(`| ${b.pid} | ${b.role} | ${(b.kb / 1024).toFixed(1)} MiB | (gone) |`);
	p();
}
p(missed.length ? `Targets missed in this run: ${missed.join('; ')}.` : 'Every target was met in this run.');

const section = out.join('\n');
const begin = `<!-- bench:${meta.mode}:begin -->`, end = `<!-- bench:${meta.mode}:end -->`;
let md = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : '# Benchmarks\n';
const i = md.indexOf(begin), j = md.indexOf(end);
if (i >= 0 && j > i) md = md.slice(0, i + begin.length) + '\n' + section + '\n' + md.slice(j);
else md = md.replace(/\n*$/, '\n\n') + begin + '\n' + section + '\n' + end + '\n';
fs.writeFileSync(mdFile, md);
console.log('\n' + section + '\n');
console.log(`results written to ${mdFile}`);
