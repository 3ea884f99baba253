// The OpenAPI 3.1 document portald renders from its route table: every route is in it, and it
// passes Redocly's linter (offline, telemetry off) with no error and no warning.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from './lib.mjs';

test('the OpenAPI document covers every route and lints clean', async () => {
	const doc = await request('acme', 'GET', '/api/v1/openapi.json');
	assert.equal(doc.status, 200, doc.text);
	assert.equal(doc.json.openapi, '3.1.0');
	const routes = (await request('acme', 'GET', '/api/v1/routes')).json.data;
	for (const r of routes) {
		const op = doc.json.paths[r.path] && doc.json.paths[r.path][r.method.toLowerCase()];
		assert.ok(op, `${r.method} ${r.path} is not in the document`);
		assert.equal(op.operationId, r.name.replaceAll('.', '_'));
		assert.deepEqual(op['x-roles'], r.anonymous ? [] : r.roles);
	}
	// A body's schema is the route's input spec: the ticket create names its limits.
	const create = doc.json.paths['/api/v1/tickets'].post.requestBody.content['application/json'].schema;
	assert.deepEqual(create.required, ['subject']);
	assert.equal(create.properties.subject.maxLength, 200);
	assert.equal(create.additionalProperties, false);

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
	const file = path.join(dir, 'openapi.json');
	fs.writeFileSync(file, doc.text);
	let out;
	try {
		out = execFileSync('tests/node_modules/.bin/redocly', ['lint', file, '--config', 'tests/redocly.yaml', '--format', 'json'],
			{ encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_UPDATE_NOTIFIER: '1' }, timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] });
	} catch (e) {
		assert.fail(`redocly lint failed: ${e.stdout}\n${e.stderr}`);
	} finally {
		fs.rmSync(dir, { recursive: true });
	}
	const report = JSON.parse(out.slice(out.indexOf('{')));
	assert.deepEqual(report.totals, { errors: 0, warnings: 0, ignored: 0 });
});
