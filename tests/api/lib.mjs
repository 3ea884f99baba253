// Shared helpers for the API tests: HTTP against the real stack on loopback, with the
// tenant chosen by the Host header, plus a few assertions used by every file.
//
// The stack listens on 127.0.0.1:PORTAL_TEST_PORT (default 18080). Requests carry
// Host: <slug>.localhost:<port>, which is how nginx and the backend pick the tenant.
// node:http is used rather than fetch, because fetch does not let a caller set Host.

import http from 'node:http';
import net from 'node:net';
import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export const PORT = Number(process.env.PORTAL_TEST_PORT || 18080);
export const ADDRESS = '127.0.0.1';
export const PASSWORD = 'Demo-Pass-1';
const TIMEOUT_MS = 20000;

export function hostFor(tenant) {
	return `${tenant}.localhost:${PORT}`;
}

// A tag made of letters and digits only, so it is safe inside a subject search
// (no LIKE wildcards, no word separators) and unique across runs and files.
export function uniqueTag(prefix = 'T') {
	return prefix + Date.now().toString(36) + crypto.randomBytes(4).toString('hex');
}

function lowerHeaders(h) {
	const out = {};
	for (const [k, v] of Object.entries(h || {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = v;
	return out;
}

function finish(status, headers, raw) {
	const text = raw.toString('utf8');
	let json = null;
	const ct = String(headers['content-type'] || '');
	if (text.length > 0 && /json/i.test(ct)) {
		try { json = JSON.parse(text); } catch { json = null; }
	}
	return { status, headers, raw, text, json };
}

// request(tenant, method, path, options) -> {status, headers, json, text, raw}
//   body:    a value sent as JSON (Content-Type application/json unless headers say otherwise)
//   rawBody: a string or Buffer sent as is (Content-Type application/json unless overridden)
//   headers: extra headers (a value of null removes a default one)
//   token:   sent as Authorization: Bearer <token>
//   cookie:  a token sent as the sp_token cookie
//   csrf:    sent as X-CSRF-Token
//   host:    overrides the Host header entirely
//   from:    the local (source) address to connect from, e.g. another 127.x.y.z address,
//            so that limits kept per client address can be tested without touching 127.0.0.1
//   busyOk:  return a 429 portal_busy as it is; by default the request is sent again after its
//            Retry-After, as the API allows (it changed nothing) and the web UI does
export async function request(tenant, method, path, opts = {}) {
	for (let attempt = 1; ; attempt++) {
		const res = await send(tenant, method, path, opts);
		if (opts.busyOk || attempt === 5 || res.status !== 429 || !res.json || res.json.code !== 'portal_busy') return res;
		await new Promise((r) => setTimeout(r, 1000 * (Number(res.headers['retry-after']) || 1)));
	}
}

function send(tenant, method, path, opts) {
	const headers = { host: opts.host || hostFor(tenant), accept: 'application/json' };
	let payload = null;
	if (opts.body !== undefined) {
		payload = Buffer.from(JSON.stringify(opts.body), 'utf8');
		headers['content-type'] = 'application/json';
	} else if (opts.rawBody !== undefined) {
		payload = Buffer.isBuffer(opts.rawBody) ? opts.rawBody : Buffer.from(opts.rawBody, 'utf8');
		headers['content-type'] = 'application/json';
	}
	if (opts.token) headers.authorization = `Bearer ${opts.token}`;
	if (opts.cookie) headers.cookie = `sp_token=${opts.cookie}`;
	if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
	for (const [k, v] of Object.entries(opts.headers || {})) {
		if (v === null) delete headers[k.toLowerCase()];
		else headers[k.toLowerCase()] = v;
	}
	if (payload) headers['content-length'] = String(payload.length);
	return new Promise((resolve, reject) => {
		const req = http.request({ host: ADDRESS, port: PORT, localAddress: opts.from, method, path, headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve(finish(res.statusCode, lowerHeaders(res.headers), Buffer.concat(chunks))));
			res.on('error', reject);
		});
		req.setTimeout(opts.timeoutMs || TIMEOUT_MS, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

// Decodes a chunked transfer-encoded body.
function dechunk(buf) {
	const parts = [];
	let pos = 0;
	for (;;) {
		const eol = buf.indexOf('\r\n', pos);
		if (eol < 0) break;
		const size = parseInt(buf.subarray(pos, eol).toString('latin1').split(';')[0], 16);
		if (!Number.isFinite(size) || size === 0) break;
		parts.push(buf.subarray(eol + 2, eol + 2 + size));
		pos = eol + 2 + size + 2;
	}
	return Buffer.concat(parts);
}

// rawRequest(tenant, method, path, {headers, body}) over a plain TCP socket: the request is
// written byte for byte (Connection: close) and the response read to the end. Used where
// node:http would get in the way: bodies the server may refuse before reading them.
export function rawRequest(tenant, method, path, opts = {}) {
	const headers = lowerHeaders({ host: opts.host || hostFor(tenant), accept: 'application/json', connection: 'close' });
	const body = opts.body === undefined ? null : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, 'utf8');
	if (body) headers['content-type'] = 'application/json';
	if (opts.token) headers.authorization = `Bearer ${opts.token}`;
	for (const [k, v] of Object.entries(opts.headers || {})) {
		if (v === null) delete headers[k.toLowerCase()];
		else headers[k.toLowerCase()] = v;
	}
	if (body) headers['content-length'] = String(body.length);
	let head = `${method} ${path} HTTP/1.1\r\n`;
	for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
	head += '\r\n';
	return new Promise((resolve, reject) => {
		const chunks = [];
		const sock = net.connect(PORT, ADDRESS);
		sock.setTimeout(TIMEOUT_MS, () => sock.destroy(new Error(`timeout: ${method} ${path}`)));
		sock.on('data', (c) => chunks.push(c));
		// A server that answers before reading the whole body may reset the connection
		// while we are still writing; what it sent before that still counts.
		sock.on('error', (err) => { if (chunks.length === 0) reject(err); else sock.destroy(); });
		sock.on('close', () => {
			const all = Buffer.concat(chunks);
			const sep = all.indexOf('\r\n\r\n');
			if (sep < 0) return reject(new Error(`no HTTP response to ${method} ${path}`));
			const lines = all.subarray(0, sep).toString('latin1').split('\r\n');
			const status = Number(lines[0].split(' ')[1]);
			const h = {};
			for (const line of lines.slice(1)) {
				const i = line.indexOf(':');
				const k = line.slice(0, i).trim().toLowerCase();
				const v = line.slice(i + 1).trim();
				h[k] = h[k] === undefined ? v : `${h[k]}, ${v}`;
			}
			let rest = all.subarray(sep + 4);
			if (/chunked/i.test(h['transfer-encoding'] || '')) rest = dechunk(rest);
			else if (h['content-length'] !== undefined) rest = rest.subarray(0, Number(h['content-length']));
			resolve(finish(status, h, rest));
		});
		// No half-close after writing: nginx takes an early EOF for a client that went away.
		// The server closes the connection after its answer (Connection: close).
		sock.write(head);
		if (body) sock.write(body);
	});
}

// Signs in and returns {token, user, csrf_token, expires_at, cookie, response}.
export async function loginFull(tenant, email, password = PASSWORD) {
	const res = await request(tenant, 'POST', '/api/v1/auth/login', { body: { email, password } });
	assert.equal(res.status, 200, `login ${email}@${tenant}: ${res.status} ${res.text}`);
	return { ...res.json, response: res };
}

export async function login(tenant, email, password = PASSWORD) {
	return (await loginFull(tenant, email, password)).token;
}

// One session per (tenant, e-mail) per test file; tests that log out use loginFull.
const sessions = new Map();
export function session(tenant, email) {
	const key = `${tenant} ${email}`;
	if (!sessions.has(key)) sessions.set(key, loginFull(tenant, email));
	return sessions.get(key);
}
export async function tokenOf(tenant, email) {
	return (await session(tenant, email)).token;
}
export async function userOf(tenant, email) {
	return (await session(tenant, email)).user;
}

// Creates a ticket and asserts 201. fields: subject, description, priority, customer_id, ...
export async function newTicket(tenant, token, fields, headers) {
	const body = { description: 'Created by the API tests.', ...fields };
	const res = await request(tenant, 'POST', '/api/v1/tickets', { token, body, headers });
	assert.equal(res.status, 201, `create ticket: ${res.status} ${res.text}`);
	return res.json;
}

export async function getTicket(tenant, token, number) {
	const res = await request(tenant, 'GET', `/api/v1/tickets/${number}`, { token });
	assert.equal(res.status, 200, `get ticket ${number}: ${res.status} ${res.text}`);
	return res;
}

// Follows next_cursor to the end and returns every item of a list.
export async function listAll(tenant, token, query = {}) {
	const out = [];
	let cursor = null;
	for (let i = 0; i < 1000; i++) {
		const q = new URLSearchParams({ limit: '100', ...query });
		if (cursor) q.set('cursor', cursor);
		const res = await request(tenant, 'GET', `/api/v1/tickets?${q}`, { token });
		assert.equal(res.status, 200, `list ${q}: ${res.status} ${res.text}`);
		out.push(...res.json.data);
		cursor = res.json.next_cursor;
		if (cursor === null) return out;
	}
	throw new Error('listAll: pagination never ended');
}

export function etagOf(version) {
	return `"${version}"`;
}

// Asserts an RFC 9457 problem answer with the given status and code.
export function assertProblem(res, status, code) {
	assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
	assert.match(String(res.headers['content-type'] || ''), /^application\/problem\+json/, `content-type of ${res.text}`);
	assert.ok(res.json, `problem body is JSON: ${res.text}`);
	assert.equal(res.json.code, code, `code in ${res.text}`);
	assert.equal(res.json.status, status);
	assert.equal(res.json.type, `/problems/${code}`);
	assert.equal(typeof res.json.title, 'string');
	assert.equal(typeof res.json.instance, 'string');
	assert.ok(res.json.instance.length > 0);
}

// Asserts a 422 validation_failed answer that names the given pointer with the given code
// (code may be a list of acceptable codes where the contract leaves the choice open).
export function assertFieldError(res, pointer, code) {
	assertProblem(res, 422, 'validation_failed');
	assert.ok(Array.isArray(res.json.errors), `errors[] in ${res.text}`);
	const codes = Array.isArray(code) ? code : [code];
	const hit = res.json.errors.find((e) => e.pointer === pointer);
	assert.ok(hit, `no error for ${pointer} in ${res.text}`);
	assert.ok(codes.includes(hit.code), `error code for ${pointer}: ${hit.code}, expected ${codes.join(' or ')}`);
	assert.equal(typeof hit.message, 'string');
}

// A problem body without its per-request field, for comparing two answers.
export function withoutInstance(json) {
	const copy = { ...json };
	delete copy.instance;
	return copy;
}

export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

// The base64url helpers the token tests use to build tokens by hand.
export function b64url(input) {
	return Buffer.from(input).toString('base64url');
}
export function unb64url(text) {
	return Buffer.from(text, 'base64url');
}

// Tenants of their own: tests that change configuration (lights, rules, pipelines, teams...)
// create a tenant with portalctl so the shared demo tenants stay as they are.
export function dbEnv() {
	const dir = process.env.PORTAL_VAR || 'var/test';
	return {
		...process.env,
		PORTAL_DB_SOCKET: path.join(dir, 'run/mariadb.sock'),
		PORTAL_DB_USER: 'portal',
		PORTAL_DB_NAME: 'portal',
		PORTAL_DB_PASSWORD: fs.readFileSync(path.join(dir, 'db.password'), 'utf8').trim(),
	};
}

// Runs SQL on the stack's database as the service's user and returns the output, tab-separated,
// without column names, trimmed. The password goes through the environment, not the command line.
export function sql(statement) {
	const env = dbEnv();
	return execFileSync('mariadb', ['-N', '-B', '-S', env.PORTAL_DB_SOCKET, '-u', env.PORTAL_DB_USER, env.PORTAL_DB_NAME,
		'-e', statement], { env: { ...env, MYSQL_PWD: env.PORTAL_DB_PASSWORD }, encoding: 'utf8', timeout: 60000 }).trim();
}

// Applies a tenant definition; its branding.logo must be 'logo.svg' (a demo logo is copied).
export function applyTenant(def) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-'));
	try {
		fs.copyFileSync('tenants/acme-logo.svg', path.join(dir, 'logo.svg'));
		fs.writeFileSync(path.join(dir, 't.json'), JSON.stringify(def));
		execFileSync(process.env.PORTALCTL_BIN || 'build/portalctl', ['tenant', 'apply', path.join(dir, 't.json')], { env: dbEnv() });
	} finally {
		fs.rmSync(dir, { recursive: true });
	}
}
