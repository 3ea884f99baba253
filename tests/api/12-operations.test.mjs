// Operator actions and process faults against the running stack: role and password changes
// revoke sessions at once, key rotation keeps old tokens valid, suspended tenants are shut,
// a killed worker is replaced and SIGHUP rotates workers without a failed request.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, unb64url } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';

function ctl(args, extraEnv = {}) {
	const env = {
		...process.env,
		PORTAL_DB_SOCKET: path.join(VAR, 'run/mariadb.sock'),
		PORTAL_DB_USER: 'portal',
		PORTAL_DB_NAME: 'portal',
		PORTAL_DB_PASSWORD: fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim(),
		...extraEnv,
	};
	return execFileSync(CTL, args, { env, encoding: 'utf8' });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function workerPids() {
	const master = fs.readFileSync(path.join(VAR, 'run/portald.pid'), 'utf8').trim();
	const out = execFileSync('pgrep', ['-P', master], { encoding: 'utf8' }).trim();
	return out.split('\n').filter(Boolean).map(Number).sort();
}

test('a role change made by the operator revokes the user\'s sessions at once', async () => {
	const email = `${uniqueTag('role').toLowerCase()}@acme.example`;
	ctl(['user', 'add', 'acme', email, 'Temp Agent', 'agent'], { PORTAL_PASSWORD: 'Temp-Pass-123' });
	const first = await loginFull('acme', email, 'Temp-Pass-123');
	assert.equal(first.user.role, 'agent');
	assert.equal((await request('acme', 'GET', '/api/v1/me', { token: first.token })).status, 200);

	ctl(['user', 'add', 'acme', email, 'Temp Agent', 'manager']);
	assertProblem(await request('acme', 'GET', '/api/v1/me', { token: first.token }), 401, 'unauthorized');
	const second = await loginFull('acme', email, 'Temp-Pass-123');
	assert.equal(second.user.role, 'manager');
});

test('a password change revokes existing sessions and the old password stops working', async () => {
	const email = `${uniqueTag('pw').toLowerCase()}@acme.example`;
	ctl(['user', 'add', 'acme', email, 'Temp Agent', 'agent'], { PORTAL_PASSWORD: 'First-Pass-123' });
	const first = await loginFull('acme', email, 'First-Pass-123');
	ctl(['user', 'add', 'acme', email, 'Temp Agent', 'agent'], { PORTAL_PASSWORD: 'Second-Pass-456' });
	assertProblem(await request('acme', 'GET', '/api/v1/me', { token: first.token }), 401, 'unauthorized');
	const old = await request('acme', 'POST', '/api/v1/auth/login', { body: { email, password: 'First-Pass-123' } });
	assertProblem(old, 401, 'invalid_credentials');
	const fresh = await loginFull('acme', email, 'Second-Pass-456');
	assert.equal(fresh.user.email, email);
});

test('a deleted (disabled) user\'s token stops working at once', async () => {
	const email = `${uniqueTag('gone').toLowerCase()}@acme.example`;
	ctl(['user', 'add', 'acme', email, 'Soon Gone', 'agent'], { PORTAL_PASSWORD: 'Gone-Pass-123' });
	const s = await loginFull('acme', email, 'Gone-Pass-123');
	assert.equal((await request('acme', 'GET', '/api/v1/me', { token: s.token })).status, 200);
	const env = { PORTAL_DB_PASSWORD: fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim() };
	execFileSync('mariadb', ['--socket', path.join(VAR, 'run/mariadb.sock'), '-u', 'portal', `-p${env.PORTAL_DB_PASSWORD}`, 'portal',
		'-e', `UPDATE users SET disabled = 1 WHERE email = '${email}'`]);
	assertProblem(await request('acme', 'GET', '/api/v1/me', { token: s.token }), 401, 'unauthorized');
	const again = await request('acme', 'POST', '/api/v1/auth/login', { body: { email, password: 'Gone-Pass-123' } });
	assertProblem(again, 401, 'invalid_credentials');
});

test('key rotation: new tokens use the new key, tokens of the old key keep working', async () => {
	const before = await loginFull('globex', 'manager@globex.example');
	const oldKid = JSON.parse(unb64url(before.token.split('.')[0])).kid;
	const out = ctl(['keys', 'rotate', 'globex']);
	const newKid = out.match(/key ([0-9a-f]{16})/)[1];
	assert.notEqual(newKid, oldKid);
	const after = await loginFull('globex', 'manager@globex.example');
	assert.equal(JSON.parse(unb64url(after.token.split('.')[0])).kid, newKid);
	assert.equal((await request('globex', 'GET', '/api/v1/me', { token: before.token })).status, 200);
	assert.equal((await request('globex', 'GET', '/api/v1/me', { token: after.token })).status, 200);
	// A token is still bound to its tenant after the rotation.
	assertProblem(await request('acme', 'GET', '/api/v1/me', { token: after.token }), 401, 'unauthorized');
});

test('a suspended tenant is shut at once and reopens when activated', async () => {
	const slug = uniqueTag('t').toLowerCase().slice(0, 30);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-'));
	fs.copyFileSync('tenants/acme-logo.svg', path.join(dir, 'logo.svg'));
	const def = {
		slug, name: 'Initrode', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Initrode Care', issue_word: 'ticket', primary_color: '#0f766e', accent_color: '#f0fdfa', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Penetrode'], default_password: 'Init-Pass-123',
		users: [{ email: 'boss@initrode.example', name: 'Bill', role: 'admin' }],
	};
	fs.writeFileSync(path.join(dir, `${slug}.json`), JSON.stringify(def));
	ctl(['tenant', 'apply', path.join(dir, `${slug}.json`)]);
	// Applying the same definition again changes nothing and does not fail.
	ctl(['tenant', 'apply', path.join(dir, `${slug}.json`)]);
	fs.rmSync(dir, { recursive: true });

	const open = await request(slug, 'GET', '/api/v1/tenant');
	assert.equal(open.status, 200, open.text);
	assert.equal(open.json.branding.product_name, 'Initrode Care');
	const admin = await loginFull(slug, 'boss@initrode.example', 'Init-Pass-123');

	ctl(['tenant', 'suspend', slug]);
	assertProblem(await request(slug, 'GET', '/api/v1/tenant'), 403, 'tenant_suspended');
	assertProblem(await request(slug, 'GET', '/api/v1/me', { token: admin.token }), 403, 'tenant_suspended');
	ctl(['tenant', 'activate', slug]);
	assert.equal((await request(slug, 'GET', '/api/v1/me', { token: admin.token })).status, 200);
});

test('a worker killed with SIGKILL is replaced and no request fails', async () => {
	const before = workerPids();
	assert.ok(before.length >= 2, `workers: ${before}`);
	process.kill(before[0], 'SIGKILL');
	for (let i = 0; i < 30; i++) {
		const res = await request('acme', 'GET', '/api/v1/healthz');
		assert.equal(res.status, 200, res.text);
	}
	let after = [];
	for (let i = 0; i < 30; i++) {
		after = workerPids();
		if (after.length === before.length && !after.includes(before[0])) break;
		await sleep(100);
	}
	assert.equal(after.length, before.length);
	assert.ok(!after.includes(before[0]));
});

test('SIGHUP rotates every worker while requests keep succeeding', async () => {
	const master = Number(fs.readFileSync(path.join(VAR, 'run/portald.pid'), 'utf8').trim());
	const before = workerPids();
	let failures = 0;
	let done = 0;
	const load = (async () => {
		const end = Date.now() + 2500;
		while (Date.now() < end) {
			const res = await request('acme', 'GET', '/api/v1/tenant');
			if (res.status !== 200) failures++;
			done++;
		}
	})();
	await sleep(300);
	process.kill(master, 'SIGHUP');
	await load;
	assert.equal(failures, 0);
	assert.ok(done > 20, `only ${done} requests ran`);
	let after = [];
	for (let i = 0; i < 30; i++) {
		after = workerPids();
		if (after.length === before.length && after.every((p) => !before.includes(p))) break;
		await sleep(100);
	}
	assert.equal(after.length, before.length);
	assert.ok(after.every((p) => !before.includes(p)), `old workers remain: ${before} -> ${after}`);
});
