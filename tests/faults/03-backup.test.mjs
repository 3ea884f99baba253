// Backup while the service takes writes, restore, and per-tenant checksums that match.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, loginFull, userOf, uniqueTag } from '../api/lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const env = () => ({ ...process.env, PORTAL_DB_SOCKET: path.join(VAR, 'run/mariadb.sock'), PORTAL_DB_USER: 'portal', PORTAL_DB_NAME: 'portal',
	PORTAL_DB_PASSWORD: fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim() });
const ctl = (...args) => execFileSync(CTL, args, { env: env(), encoding: 'utf8', timeout: 120000 });

test('a backup taken while the service runs restores to the same per-tenant checksums', async () => {
	const token = (await loginFull('acme', 'agent1@acme.example')).token;
	const carol = (await userOf('acme', 'carol@northwind.example')).id;
	const tag = uniqueTag('BK');
	for (let i = 0; i < 5; i++)
		assert.equal((await request('acme', 'POST', '/api/v1/tickets', { token, body: { subject: `${tag} before ${i}`, customer_id: carol } })).status, 201);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-'));
	const file = path.join(dir, 'portal.sql.gz');
	// Quiet for the snapshot of the checksums, then the backup.
	const before = { acme: ctl('checksum', 'acme'), globex: ctl('checksum', 'globex') };
	assert.match(ctl('backup', file), /backup written/);
	assert.ok(fs.statSync(file).size > 1000);
	// Changes after the backup...
	for (let i = 0; i < 3; i++)
		assert.equal((await request('acme', 'POST', '/api/v1/tickets', { token, body: { subject: `${tag} after ${i}`, customer_id: carol } })).status, 201);
	assert.notEqual(ctl('checksum', 'acme'), before.acme);
	// ...are gone after the restore, and everything else is as it was.
	assert.match(ctl('restore', file), /restored/);
	assert.equal(ctl('checksum', 'acme'), before.acme);
	assert.equal(ctl('checksum', 'globex'), before.globex);
	fs.rmSync(dir, { recursive: true });
	// The service goes on serving from the restored database.
	const fresh = (await loginFull('acme', 'agent1@acme.example')).token;
	const list = await request('acme', 'GET', `/api/v1/tickets?q=${tag}&limit=20`, { token: fresh });
	assert.equal(list.status, 200, list.text);
	assert.deepEqual(list.json.data.map((t) => t.subject).sort(), [0, 1, 2, 3, 4].map((i) => `${tag} before ${i}`));
	console.log(`# backup and restore: checksums of acme and globex equal, 3 later tickets gone`);
});

test('a damaged backup is refused and changes nothing', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-'));
	const file = path.join(dir, 'broken.sql.gz');
	fs.writeFileSync(file, 'not gzip at all');
	const before = ctl('checksum', 'acme');
	assert.throws(() => ctl('restore', file), /restore failed/);
	assert.equal(ctl('checksum', 'acme'), before);
	fs.rmSync(dir, { recursive: true });
});
