// Raw FastCGI records written straight to portald's unix socket, as anything that can reach the
// socket could send them: truncated and overlong records, PARAMS lengths near 2^31 (the shape of
// CVE-2025-23016), thousands of parameters, unknown record types, bad roles. A worker may die on
// some of them (libfcgi aborts when it cannot allocate what a record claims), but the master must
// replace it, requests through nginx must keep succeeding, and the pool must end as it started.
//
// Every socket operation has a deadline. Where the `ss` tool is present, the worker that accepted
// each raw connection is identified, so a case can tell whether that worker survived.

import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { request } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const SOCKET = path.join(VAR, 'run/portald.sock');
const PID_FILE = path.join(VAR, 'run/portald.pid');
const CASE_DEADLINE_MS = 5000;
const REPLACE_DEADLINE_MS = 3000; // the master paces replacements of young workers by 1 s

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// FastCGI record types and roles (FastCGI specification, section 8).
const BEGIN_REQUEST = 1;
const END_REQUEST = 3;
const PARAMS = 4;
const STDIN = 5;
const STDOUT = 6;
const GET_VALUES = 9;
const GET_VALUES_RESULT = 10;
const UNKNOWN_TYPE = 11;
const RESPONDER = 1;

function record(type, id, content = Buffer.alloc(0), { version = 1, padding = 0, length } = {}) {
	const head = Buffer.alloc(8);
	head[0] = version;
	head[1] = type;
	head.writeUInt16BE(id, 2);
	head.writeUInt16BE(length === undefined ? content.length : length, 4);
	head[6] = padding;
	return Buffer.concat([head, content, Buffer.alloc(padding)]);
}

function beginRequest(id = 1, role = RESPONDER, { flags = 0, length } = {}) {
	const body = Buffer.alloc(8);
	body.writeUInt16BE(role, 0);
	body[2] = flags;
	return record(BEGIN_REQUEST, id, body, { length });
}

// A name-value pair length: one byte below 128, else four with the top bit set.
function nvLength(n) {
	if (n < 128) return Buffer.from([n]);
	const b = Buffer.alloc(4);
	b.writeUInt32BE((n | 0x80000000) >>> 0);
	return b;
}

function nameValue(name, value) {
	const n = Buffer.from(name);
	const v = Buffer.from(value);
	return Buffer.concat([nvLength(n.length), nvLength(v.length), n, v]);
}

// PARAMS records carrying pairs (split at 32 KiB, as a stream may be), then the empty record.
function paramsRecords(id, pairs) {
	const all = Buffer.concat(pairs.map(([n, v]) => nameValue(n, v)));
	const out = [];
	for (let off = 0; off < all.length; off += 32768) out.push(record(PARAMS, id, all.subarray(off, off + 32768)));
	out.push(record(PARAMS, id));
	return out;
}

function cgiParams(method, uri, extra = []) {
	return [
		['REQUEST_METHOD', method],
		['REQUEST_URI', uri],
		['QUERY_STRING', ''],
		['SERVER_PROTOCOL', 'HTTP/1.1'],
		['HTTP_HOST', 'acme.localhost'],
		['REMOTE_ADDR', '127.0.0.1'],
		...extra,
	];
}

// A complete GET /api/v1/healthz request.
function healthzRequest(id = 1, extra = []) {
	return [beginRequest(id), ...paramsRecords(id, cgiParams('GET', '/api/v1/healthz', extra)), record(STDIN, id)];
}

function parseRecords(buf) {
	const records = [];
	let off = 0;
	while (buf.length - off >= 8) {
		const len = buf.readUInt16BE(off + 4);
		const pad = buf[off + 6];
		if (buf.length - off < 8 + len + pad) break;
		records.push({ type: buf[off + 1], id: buf.readUInt16BE(off + 2), content: buf.subarray(off + 8, off + 8 + len) });
		off += 8 + len + pad;
	}
	return records;
}

// The CGI response in the STDOUT records: {status, headers, body, json}, or null without one.
function cgiResponse(records) {
	const out = Buffer.concat(records.filter((r) => r.type === STDOUT).map((r) => r.content)).toString('utf8');
	const sep = out.indexOf('\r\n\r\n');
	if (sep < 0) return null;
	const headers = {};
	for (const line of out.slice(0, sep).split('\r\n')) {
		const i = line.indexOf(':');
		headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
	}
	const body = out.slice(sep + 4);
	let json = null;
	try { json = JSON.parse(body); } catch { json = null; }
	return { status: Number((headers.status || '').split(' ')[0]), headers, body, json };
}

function masterPid() {
	return Number(fs.readFileSync(PID_FILE, 'utf8').trim());
}

function workerPids() {
	try {
		return execFileSync('pgrep', ['-P', String(masterPid())], { encoding: 'utf8', timeout: 2000 })
			.trim().split('\n').filter(Boolean).map(Number).sort((a, b) => a - b);
	} catch {
		return []; // pgrep exits 1 when the master has no children
	}
}

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

// The pid of the worker holding the other end of our one open raw connection, or null.
// `ss -xp` pairs each unix socket with its peer's inode and its owner.
let haveSs = true;
function servingWorker() {
	if (!haveSs) return null;
	let lines;
	try {
		lines = execFileSync('ss', ['-xpnH'], { encoding: 'utf8', timeout: 2000 }).split('\n');
	} catch {
		haveSs = false;
		return null;
	}
	const ours = new Set();
	const theirs = [];
	for (const line of lines) {
		const f = line.trim().split(/\s+/);
		if (f.length < 9 || f[0] !== 'u_str') continue;
		const pid = Number((line.match(/pid=(\d+)/) || [])[1]);
		if (pid === process.pid) ours.add(f[5]);
		else if (f[4].endsWith('portald.sock')) theirs.push({ peer: f[7], pid });
	}
	const hit = theirs.find((t) => ours.has(t.peer));
	return hit ? hit.pid : null;
}

// Connects, waits until a worker has accepted, writes the chunks (pausing pauseMs between them),
// then half-closes (end) or keeps the connection open for holdMs, and collects what comes back
// until the worker closes or the deadline passes. Resolves, never rejects:
// {records, raw, how: 'closed'|'held'|'deadline'|'error', worker, error}.
function exchange(chunks, { end = true, holdMs = 0, pauseMs = 0 } = {}) {
	return new Promise((resolve) => {
		const got = [];
		let settled = false;
		let worker = null;
		const sock = net.createConnection(SOCKET);
		const finish = (how, err) => {
			if (settled) return;
			settled = true;
			clearTimeout(deadline);
			sock.destroy();
			const raw = Buffer.concat(got);
			resolve({ how, error: err ? err.code || String(err) : null, raw, records: parseRecords(raw), worker });
		};
		const deadline = setTimeout(() => finish('deadline'), CASE_DEADLINE_MS);
		sock.on('data', (d) => got.push(d));
		sock.on('error', (err) => finish('error', err));
		sock.on('close', () => finish('closed'));
		sock.on('connect', async () => {
			for (let i = 0; i < 20 && worker === null && !settled; i++) {
				worker = servingWorker();
				if (worker === null && haveSs) await sleep(50);
			}
			for (const c of chunks) {
				if (settled) return;
				sock.write(c);
				if (pauseMs) await sleep(pauseMs);
			}
			if (end) sock.end();
			else if (holdMs) setTimeout(() => finish('held'), holdMs);
		});
	});
}

// Waits until the master has n workers again; returns the milliseconds it took.
async function waitForPool(n) {
	const start = Date.now();
	while (Date.now() - start < REPLACE_DEADLINE_MS) {
		if (workerPids().length === n) return Date.now() - start;
		await sleep(50);
	}
	return -1;
}

async function healthzThroughNginx() {
	const res = await request('acme', 'GET', '/api/v1/healthz');
	assert.equal(res.status, 200, `healthz through nginx: ${res.status} ${res.text}`);
	assert.equal(res.json.status, 'ok');
}

function pairLengths(nameLen, valueLen) {
	return Buffer.concat([nvLength(nameLen), nvLength(valueLen)]);
}

// The hostile cases. survive: the worker that took the connection must still be alive after it.
// check(result): what the case must see on the wire.
//
// libfcgi reads the parameters as one stream and takes an error or the end of the connection
// between two pairs as their end, so a request cut short there still runs with the pairs that
// arrived (no REQUEST_URI: "/", which answers 404). What it must never do is answer anything else.
const noResponse = (r) => assert.equal(cgiResponse(r.records), null, `unexpected response: ${r.raw.toString('latin1')}`);
const nothingOrNotFound = (r) => {
	const res = cgiResponse(r.records);
	if (res !== null) {
		assert.equal(res.status, 404, res.body);
		assert.equal(res.json.code, 'not_found');
	}
};
const cases = [
	{
		name: 'a truncated record header, held open, then closed',
		chunks: [record(BEGIN_REQUEST, 1, Buffer.alloc(8)).subarray(0, 5)],
		opts: { end: false, holdMs: 300 },
		survive: true,
		check: (r) => {
			assert.equal(r.how, 'held');
			assert.equal(r.raw.length, 0);
		},
	},
	{
		name: 'a truncated record header, then end of stream',
		chunks: [beginRequest(), record(PARAMS, 1, Buffer.alloc(8)).subarray(0, 3)],
		survive: true,
		check: nothingOrNotFound,
	},
	{
		name: 'a PARAMS content length beyond the data, then end of stream',
		chunks: [beginRequest(), record(PARAMS, 1, nameValue('REQUEST_METHOD', 'GET'), { length: 4000 })],
		survive: true,
		check: nothingOrNotFound,
	},
	{
		name: 'a STDIN record shorter than its content length, then end of stream',
		chunks: [
			beginRequest(),
			...paramsRecords(1, cgiParams('POST', '/api/v1/auth/login', [['CONTENT_TYPE', 'application/json'], ['CONTENT_LENGTH', '100']])),
			record(STDIN, 1, Buffer.from('{"email":"a@b.c",'), { length: 100 }),
		],
		survive: true,
		// The worker reads what came of the body and refuses it as JSON.
		check: (r) => {
			const res = cgiResponse(r.records);
			if (res !== null) {
				assert.equal(res.status, 400, res.body);
				assert.equal(res.json.code, 'invalid_json');
			}
		},
	},
	...[
		[0x7fffffff, 0x7fffffff],
		[0x7ffffffe, 0x7ffffffe],
		[0x7fffffff, 1],
		[0x40000000, 0x40000000],
		[0x7ffffffe, 0],
	].map(([n, v]) => ({
		name: `PARAMS name and value lengths 0x${n.toString(16)} and 0x${v.toString(16)}`,
		chunks: [beginRequest(), record(PARAMS, 1, Buffer.concat([pairLengths(n, v), Buffer.alloc(64, 0x41)]))],
		survive: false,
		check: noResponse,
	})),
	{
		name: 'thousands of small params (and still the right answer)',
		chunks: healthzRequest(1, Array.from({ length: 5000 }, (_, i) => [`HTTP_X_FILL_${i}`, 'x'])),
		survive: true,
		check: (r) => {
			const res = cgiResponse(r.records);
			assert.ok(res, 'no answer');
			assert.equal(res.status, 200);
			assert.equal(res.json.status, 'ok');
		},
	},
	{
		// libfcgi answers a management record, then closes a connection that began no request.
		name: 'an unknown management record type',
		chunks: [record(0x42, 0, Buffer.alloc(8))],
		opts: { end: false, holdMs: 500 },
		survive: true,
		check: (r) => {
			const unknown = r.records.find((x) => x.type === UNKNOWN_TYPE);
			assert.ok(unknown, `no FCGI_UNKNOWN_TYPE answer: ${r.raw.toString('hex')}`);
			assert.equal(unknown.content[0], 0x42);
			assert.equal(cgiResponse(r.records), null);
		},
	},
	{
		name: 'an unknown record type inside a request',
		chunks: [beginRequest(), record(0x42, 1, Buffer.from('junk0000')), ...paramsRecords(1, cgiParams('GET', '/api/v1/healthz')), record(STDIN, 1)],
		survive: true,
		check: nothingOrNotFound,
	},
	{
		// libfcgi sees the end of a GET_VALUES record only when more bytes follow in the same
		// read, so the query travels in one write with the start of a request.
		name: 'GET_VALUES asks what the worker supports',
		chunks: [Buffer.concat([record(GET_VALUES, 0, Buffer.concat([nameValue('FCGI_MAX_CONNS', ''), nameValue('FCGI_MPXS_CONNS', '')])), beginRequest()])],
		opts: { end: false, holdMs: 300 },
		survive: true,
		check: (r) => {
			const result = r.records.find((x) => x.type === GET_VALUES_RESULT);
			assert.ok(result, `no FCGI_GET_VALUES_RESULT: ${r.raw.toString('hex')}`);
			assert.deepEqual(result.content, Buffer.concat([nameValue('FCGI_MAX_CONNS', '1'), nameValue('FCGI_MPXS_CONNS', '0')]));
		},
	},
	{
		// libfcgi writes one answer per name asked into a 64-byte stack buffer: forty names
		// overrun it (the stack protector then aborts the worker).
		name: 'GET_VALUES naming one variable forty times',
		chunks: [Buffer.concat([record(GET_VALUES, 0, Buffer.concat(Array.from({ length: 40 }, () => nameValue('FCGI_MPXS_CONNS', '')))), beginRequest()])],
		opts: { end: false, holdMs: 300 },
		survive: false,
		check: () => {},
	},
	...[0, 4, 0xffff].map((role) => ({
		name: `BEGIN_REQUEST with role ${role}`,
		chunks: [beginRequest(1, role), ...paramsRecords(1, cgiParams('GET', '/api/v1/healthz')), record(STDIN, 1)],
		survive: true,
		check: noResponse,
	})),
	{
		name: 'BEGIN_REQUEST with a short body and request id 0',
		chunks: [beginRequest(0, RESPONDER, { length: 4 }), ...healthzRequest(1)],
		survive: true,
		check: noResponse,
	},
	{
		name: 'a record of protocol version 2',
		chunks: [record(BEGIN_REQUEST, 1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0]), { version: 2 }), ...healthzRequest(1).slice(1)],
		survive: true,
		check: noResponse,
	},
];

let poolSize = 0;
let master = 0;

test('the stack is up and the worker pool is full', async () => {
	assert.ok(fs.existsSync(SOCKET), `no socket at ${SOCKET}`);
	master = masterPid();
	assert.ok(alive(master), `master ${master} is not running`);
	await healthzThroughNginx();
	poolSize = workerPids().length;
	assert.ok(poolSize >= 2, `workers: ${poolSize}`);
});

test('a well-formed GET /api/v1/healthz over raw FastCGI answers 200', async () => {
	const r = await exchange(healthzRequest(1));
	const res = cgiResponse(r.records);
	assert.ok(res, `no answer (${r.how} ${r.error || ''}): ${r.raw.toString('latin1')}`);
	assert.equal(res.status, 200, res.body);
	assert.match(res.headers['content-type'], /^application\/json/);
	assert.equal(res.headers['x-content-type-options'], 'nosniff');
	assert.deepEqual(res.json, { status: 'ok', database: 'up' });
	const end = r.records.find((x) => x.type === END_REQUEST);
	assert.ok(end, 'no FCGI_END_REQUEST');
	assert.equal(end.content[4], 0, 'protocol status FCGI_REQUEST_COMPLETE');
});

for (const c of cases) {
	test(`hostile: ${c.name}; nginx keeps answering`, { timeout: 30000 }, async (t) => {
		const r = await exchange(c.chunks, c.opts);
		c.check(r);
		let outcome = 'worker unknown (no ss)';
		if (r.worker !== null) {
			// A worker that dies is reaped by the master within moments; give it that long.
			await sleep(150);
			const survived = alive(r.worker) && workerPids().includes(r.worker);
			outcome = `worker ${r.worker} ${survived ? 'survived' : 'died'}`;
			if (c.survive) assert.ok(survived, `worker ${r.worker} died on: ${c.name}`);
			if (!survived) {
				const ms = await waitForPool(poolSize);
				outcome += ms >= 0 ? `, replaced within ${ms} ms` : ', NOT replaced';
			}
		}
		const res = cgiResponse(r.records);
		t.diagnostic(`${c.name}: ${outcome}; connection ${r.how}; ${r.records.length} records back${res ? `, answer ${res.status}` : ''}`);
		await healthzThroughNginx();
	});
}

test('hostile records while requests flow through nginx: no request fails', { timeout: 120000 }, async (t) => {
	const failures = [];
	let done = 0;
	let stop = false;
	const load = (async () => {
		while (!stop) {
			try {
				const res = await request('acme', 'GET', '/api/v1/healthz');
				if (res.status !== 200) failures.push(`${res.status} ${res.text}`);
			} catch (err) {
				failures.push(String(err));
			}
			done++;
		}
	})();
	const served = [];
	for (let round = 0; round < 2; round++) {
		for (const c of cases) {
			const r = await exchange(c.chunks, c.opts);
			if (r.worker !== null) served.push(r.worker);
		}
		// Let the master refill the pool before the next round.
		await waitForPool(poolSize);
	}
	const died = new Set(served.filter((pid) => !alive(pid))).size;
	stop = true;
	await load;
	t.diagnostic(`${done} requests through nginx, ${failures.length} failed; ${died} workers died`);
	assert.deepEqual(failures, []);
	assert.ok(done >= 20, `only ${done} requests ran`);
});

test('the master is alive with as many workers as before', async () => {
	assert.equal(masterPid(), master, 'the master changed');
	assert.ok(alive(master), `master ${master} is gone`);
	const ms = await waitForPool(poolSize);
	assert.ok(ms >= 0, `workers: ${workerPids().length}, expected ${poolSize}`);
	await healthzThroughNginx();
});
