// A soak: mixed traffic at about 80 % of the measured peak for a fixed time, while worker
// memory and open descriptors are sampled. Used by `make soak` (10 minutes) and, short, by
// tests/faults/04-soak.test.mjs. Prints a summary and returns it.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { request, loginFull, userOf } from '../api/lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function workers(varDir) {
	const master = fs.readFileSync(path.join(varDir, 'run/portald.pid'), 'utf8').trim();
	const pids = execFileSync('pgrep', ['-P', master], { encoding: 'utf8' }).trim().split('\n').map(Number);
	return pids.map((pid) => {
		try {
			const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
			const fds = fs.readdirSync(`/proc/${pid}/fd`).length;
			return { pid, rss, fds };
		} catch { return { pid, rss: 0, fds: 0 }; }
	});
}

export async function soak({ seconds, varDir = process.env.PORTAL_VAR || 'var/test', clients = 8 }) {
	const agent = (await loginFull('acme', 'agent1@acme.example')).token;
	const carol = (await userOf('acme', 'carol@northwind.example')).id;
	const created = await request('acme', 'POST', '/api/v1/tickets', { token: agent, body: { subject: 'soak target', customer_id: carol } });
	const n = created.json.number;
	const mix = [
		() => request('acme', 'GET', '/api/v1/tickets?limit=25', { token: agent }),
		() => request('acme', 'GET', `/api/v1/tickets/${n}`, { token: agent }),
		() => request('acme', 'GET', `/api/v1/tickets/${n}/notes`, { token: agent }),
		() => request('acme', 'GET', '/api/v1/board', { token: agent }),
		() => request('acme', 'POST', `/api/v1/tickets/${n}/notes`, { token: agent, body: { body: 'soak note', visibility: 'internal' } }),
	];
	const run = async (ms, delay) => {
		const end = Date.now() + ms;
		const stats = { requests: 0, errors: {}, throttled: 0 };
		await Promise.all(Array.from({ length: clients }, async (_, c) => {
			let i = c;
			while (Date.now() < end) {
				const res = await mix[i++ % mix.length]().catch(() => ({ status: 0 }));
				stats.requests++;
				if (res.status === 429) stats.throttled++;
				else if (res.status >= 400 || res.status === 0) stats.errors[res.status] = (stats.errors[res.status] || 0) + 1;
				if (delay > 0) await sleep(delay);
			}
		}));
		return stats;
	};
	const peak = await run(3000, 0);
	const peakRate = peak.requests / 3;
	// 80 % of the peak: each client waits so that the total rate drops by a fifth.
	const perRequestMs = (clients / peakRate) * 1000;
	const delay = perRequestMs * 0.25;
	const before = workers(varDir);
	const stats = await run(seconds * 1000, delay);
	const after = workers(varDir);
	const sum = (ws, k) => ws.reduce((s, w) => s + w[k], 0);
	const summary = {
		seconds, peak_rps: Math.round(peakRate), rps: Math.round(stats.requests / seconds), requests: stats.requests,
		errors: stats.errors, throttled: stats.throttled,
		rss_kb_before: sum(before, 'rss'), rss_kb_after: sum(after, 'rss'),
		fds_before: sum(before, 'fds'), fds_after: sum(after, 'fds'),
		same_workers: before.map((w) => w.pid).sort().join() === after.map((w) => w.pid).sort().join(),
	};
	console.log(`# soak: ${JSON.stringify(summary)}`);
	return summary;
}

if (process.argv[1] && process.argv[1].endsWith('soak.mjs')) {
	const seconds = Number(process.env.SOAK_SECONDS || 600);
	const s = await soak({ seconds });
	const failed = Object.keys(s.errors).length > 0 || (s.same_workers && s.fds_after > s.fds_before + 4);
	console.log(`${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
	process.exit(failed ? 1 : 0);
}
