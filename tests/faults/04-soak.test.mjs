// A short soak at about 80 % of peak: no error but throttling, descriptors flat.

import test from 'node:test';
import assert from 'node:assert/strict';
import { soak } from './soak.mjs';

test('a short soak: zero errors, descriptors flat', async () => {
	const s = await soak({ seconds: 15 });
	assert.ok(s.requests > 100, `only ${s.requests} requests`);
	assert.deepEqual(s.errors, {});
	if (s.same_workers) assert.ok(s.fds_after <= s.fds_before + 4, `descriptors ${s.fds_before} -> ${s.fds_after}`);
});
