// Faults survived under steady load: every create the API acknowledged (2xx) must be in the
// database afterwards, whatever was killed. Runs after the API tests, alone, because it stops
// the shared database and kills workers. Every loop is bounded in time.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { request, loginFull, uniqueTag, userOf } from '../api/lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pidOf = (name) => Number(fs.readFileSync(path.join(VAR, 'run', `${name}.pid`), 'utf8').trim());
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

// Writes tickets in a loop until stop() and records what was acknowledged.
function writer(token, customerId, tag) {
	const acked = new Set();
	const failures = {};
	let slowest = 0;
	let running = true;
	const done = (async () => {
		let i = 0;
		while (running) {
			const subject = `${tag} ${i++}`;
			const t0 = Date.now();
			try {
				const res = await request('acme', 'POST', '/api/v1/tickets', { token, body: { subject, customer_id: customerId } });
				slowest = Math.max(slowest, Date.now() - t0);
				if (res.status === 201) acked.add(subject);
				else failures[res.status] = (failures[res.status] || 0) + 1;
			} catch (e) {
				failures.network = (failures.network || 0) + 1;
				await sleep(50);
			}
		}
	})();
	return { acked, failures, slowest: () => slowest, stop: async () => { running = false; await done; } };
}

async function storedSubjects(token, tag) {
	const seen = new Set();
	let cursor = null;
	for (let page = 0; page < 200; page++) {
		const res = await request('acme', 'GET', `/api/v1/tickets?limit=100&q=${encodeURIComponent(tag)}${cursor ? `&cursor=${cursor}` : ''}`, { token });
		assert.equal(res.status, 200, res.text);
		for (const t of res.json.data) {
			assert.ok(!seen.has(t.subject), `duplicate ${t.subject}`);
			seen.add(t.subject);
		}
		if (!res.json.next_cursor) break;
		cursor = res.json.next_cursor;
	}
	return seen;
}

function startStack() {
	execFileSync('ops/stack.sh', ['start'], { env: { ...process.env, PORTAL_FRESH: '0', PORTAL_QUIET: '1' }, stdio: 'ignore', timeout: 60000 });
}

async function waitHealthy(seconds) {
	for (let i = 0; i < seconds * 10; i++) {
		const res = await request('acme', 'GET', '/api/v1/healthz').catch(() => null);
		if (res && res.status === 200) return true;
		await sleep(100);
	}
	return false;
}

for (const [name, signal] of [['restarted', 'SIGTERM'], ['killed with SIGKILL', 'SIGKILL']]) {
	test(`MariaDB ${name} under load: fast 503s meanwhile, then recovery, no acknowledged write lost`, async () => {
		const token = (await loginFull('acme', 'agent1@acme.example')).token;
		const carol = (await userOf('acme', 'carol@northwind.example')).id;
		const tag = uniqueTag('DB');
		const w = writer(token, carol, tag);
		await sleep(1000);
		const db = pidOf('mariadb');
		process.kill(db, signal);
		for (let i = 0; i < 150 && alive(db); i++) await sleep(100);
		assert.ok(!alive(db), 'the database stopped');
		await sleep(1500);
		const down = await request('acme', 'GET', '/api/v1/tickets?limit=1', { token });
		assert.equal(down.status, 503, down.text);
		assert.equal(down.json.code, 'unavailable');
		startStack();
		assert.ok(await waitHealthy(30), 'healthy again');
		await sleep(1000);
		await w.stop();
		assert.ok(w.acked.size > 5, `acknowledged ${w.acked.size}`);
		assert.ok(w.slowest() < 5000, `a request took ${w.slowest()} ms: failures must be fast`);
		const unexpected = Object.keys(w.failures).filter((k) => k !== '503');
		assert.deepEqual(unexpected, [], `failures other than 503: ${JSON.stringify(w.failures)}`);
		const stored = await storedSubjects(token, tag);
		const lost = [...w.acked].filter((s) => !stored.has(s));
		assert.deepEqual(lost, [], 'acknowledged but not stored');
		console.log(`# MariaDB ${name}: ${w.acked.size} acknowledged, 0 lost, failures ${JSON.stringify(w.failures)}`);
	});
}

test('workers killed with SIGKILL mid-load: replaced, no acknowledged write lost, none half-written', async () => {
	const token = (await loginFull('acme', 'agent1@acme.example')).token;
	const carol = (await userOf('acme', 'carol@northwind.example')).id;
	const tag = uniqueTag('WK');
	const w = writer(token, carol, tag);
	const master = pidOf('portald');
	for (let round = 0; round < 3; round++) {
		await sleep(700);
		const kids = execFileSync('pgrep', ['-P', String(master)], { encoding: 'utf8' }).trim().split('\n').map(Number);
		process.kill(kids[round % kids.length], 'SIGKILL');
	}
	await sleep(1500);
	await w.stop();
	const stored = await storedSubjects(token, tag);
	const lost = [...w.acked].filter((s) => !stored.has(s));
	assert.deepEqual(lost, []);
	// A ticket exists only whole: every stored one has its creation on the timeline.
	for (const subject of [...stored].slice(0, 20)) {
		const list = await request('acme', 'GET', `/api/v1/tickets?q=${encodeURIComponent(subject)}&limit=5`, { token });
		const n = list.json.data.find((t) => t.subject === subject).number;
		const events = (await request('acme', 'GET', `/api/v1/tickets/${n}/timeline`, { token })).json.data;
		assert.equal(events[0].kind, 'created');
	}
	console.log(`# workers killed: ${w.acked.size} acknowledged, 0 lost, failures ${JSON.stringify(w.failures)}`);
});
