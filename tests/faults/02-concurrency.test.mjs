// Many writers on one ticket, and nginx reloaded and the pool rotated under load.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { request, loginFull, userOf, uniqueTag } from '../api/lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('50 concurrent writers on one ticket: every 2xx is stored, the rest got 412, version = 1 + successes', async () => {
	const token = (await loginFull('acme', 'agent1@acme.example')).token;
	const carol = (await userOf('acme', 'carol@northwind.example')).id;
	const created = await request('acme', 'POST', '/api/v1/tickets', { token, body: { subject: uniqueTag('C50'), customer_id: carol } });
	assert.equal(created.status, 201);
	const n = created.json.number;
	// Each writer reads the ticket, then writes a subject of its own with the ETag it read.
	const results = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
		const seen = await request('acme', 'GET', `/api/v1/tickets/${n}`, { token });
		const res = await request('acme', 'PATCH', `/api/v1/tickets/${n}`, { token, headers: { 'if-match': seen.headers.etag }, body: { subject: `writer ${i}` } });
		return { i, status: res.status, version: res.json && res.json.version };
	}));
	const ok = results.filter((r) => r.status === 200);
	const other = results.filter((r) => r.status !== 200);
	assert.ok(ok.length >= 1);
	assert.deepEqual([...new Set(other.map((r) => r.status))].filter((s) => s !== 412), [], JSON.stringify(other.slice(0, 3)));
	const final = (await request('acme', 'GET', `/api/v1/tickets/${n}`, { token })).json;
	assert.equal(final.version, 1 + ok.length);
	// The last success is what is stored, and every success is on the timeline.
	const last = ok.reduce((a, b) => (a.version > b.version ? a : b));
	assert.equal(final.subject, `writer ${last.i}`);
	const updates = (await request('acme', 'GET', `/api/v1/tickets/${n}/timeline`, { token })).json.data.filter((e) => e.kind === 'updated');
	assert.equal(updates.length, ok.length);
	console.log(`# 50 writers: ${ok.length} succeeded, ${other.length} got 412, version ${final.version}`);
});

test('nginx reload and a SIGHUP rotation under load: zero failed requests', async () => {
	const token = (await loginFull('acme', 'agent2@acme.example')).token;
	let failures = 0;
	let done = 0;
	let running = true;
	const load = (async () => {
		while (running) {
			const res = await request('acme', 'GET', '/api/v1/tickets?limit=5', { token }).catch(() => ({ status: 0 }));
			if (res.status !== 200) failures++;
			done++;
		}
	})();
	await sleep(500);
	execFileSync('nginx', ['-p', path.resolve(VAR, 'nginx'), '-c', path.resolve(VAR, 'nginx.conf'), '-s', 'reload']);
	await sleep(1000);
	process.kill(Number(fs.readFileSync(path.join(VAR, 'run/portald.pid'), 'utf8').trim()), 'SIGHUP');
	await sleep(1500);
	running = false;
	await load;
	assert.ok(done > 50, `only ${done} requests`);
	assert.equal(failures, 0);
	console.log(`# reloads: ${done} requests, 0 failed`);
});
