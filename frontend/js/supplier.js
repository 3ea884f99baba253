// Supplier requests on a ticket (staff only): what we asked which supplier,
// when, and whether they have answered. An open request runs the ticket's
// "Supplier response to us" clock, so every change tells the ticket view.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import * as api from './api.js';
import { html, Time, ErrorBox, FieldError, Loading } from './ui.js';
import { getAll } from './shared.js';

export function SupplierRequests({ number, onChanged }) {
	const base = '/tickets/' + number + '/supplier_requests';
	const [items, setItems] = useState(null);
	const [loadError, setLoadError] = useState(null);
	const [actionError, setActionError] = useState(null);
	const [answering, setAnswering] = useState(null); // id being marked answered

	const load = useCallback(async () => {
		try {
			setItems(await getAll(base));
			setLoadError(null);
		} catch (e) {
			setLoadError(e);
			setItems((old) => old || []);
		}
	}, [base]);

	useEffect(() => { load(); }, [load]);

	async function answer(id) {
		if (answering) return;
		setAnswering(id);
		setActionError(null);
		try {
			// No body: the answer is the moment it is recorded.
			const r = await api.post(base + '/' + id + '/answer');
			setItems((list) => (list || []).map((x) => (x.id === id ? r.data : x)));
			if (onChanged) onChanged();
		} catch (e) {
			if (e.status === 409) {
				setActionError(new api.ApiError(409, { detail: 'Someone had already marked this request answered; the list is up to date now.' }));
				await load();
				if (onChanged) onChanged();
			} else {
				setActionError(e);
			}
		} finally {
			setAnswering(null);
		}
	}

	async function openRequest(body) {
		const r = await api.post(base, body);
		await load();
		if (onChanged) onChanged();
		return r.data;
	}

	const suppliers = useMemo(() => Array.from(new Set((items || []).map((x) => x.supplier))).sort(), [items]);
	const waiting = (items || []).filter((x) => !x.answered_at).length;

	return html`<section class="panel" data-testid="supplier-requests">
		<h2 class="panel-title">Supplier requests${items && items.length > 0 ? html` <span class="panel-count">${waiting} open</span>` : ''}</h2>
		<${ErrorBox} error=${loadError} testid="supplier-requests-error" />
		<${ErrorBox} error=${actionError} testid="supplier-action-error" />
		${items === null ? html`<${Loading} />` : items.length === 0
			? html`<p class="muted" data-testid="supplier-requests-empty">No supplier has been asked about this ticket.</p>`
			: html`<ul class="supplier-list" data-testid="supplier-request-list">
				${items.map((x) => html`<li key=${x.id} class=${'supplier-item' + (x.answered_at ? ' is-answered' : ' is-open')}
					data-testid="supplier-request" data-id=${x.id} data-answered=${x.answered_at ? 'true' : 'false'}>
					<div class="supplier-head">
						<strong data-testid="supplier-request-supplier">${x.supplier}</strong>
						<span class="supplier-opened muted" data-testid="supplier-request-opened">asked <${Time} iso=${x.opened_at} />${x.opened_by ? ' by ' + x.opened_by : ''}</span>
					</div>
					<div class="prose supplier-question" data-testid="supplier-request-question">${x.question}</div>
					<div class="supplier-state">
						${x.answered_at
							? html`<span class="badge badge-answered" data-testid="supplier-request-answered">Answered</span>
								<span class="muted"><${Time} iso=${x.answered_at} /></span>`
							: html`<span class="badge badge-waiting" data-testid="supplier-request-waiting">Waiting</span>
								<button type="button" class="btn btn-small" disabled=${answering !== null}
									data-testid="supplier-request-answer" onClick=${() => answer(x.id)}>
									${answering === x.id ? 'Saving…' : 'Answered'}</button>`}
					</div>
				</li>`)}
			</ul>`}
		<${SupplierForm} onSubmit=${openRequest} suppliers=${suppliers} number=${number} />
	</section>`;
}

function SupplierForm({ onSubmit, suppliers, number }) {
	const [supplier, setSupplier] = useState('');
	const [question, setQuestion] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);

	async function submit(ev) {
		ev.preventDefault();
		if (busy) return;
		setBusy(true);
		setError(null);
		try {
			await onSubmit({ supplier: supplier.trim(), question });
			setSupplier('');
			setQuestion('');
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}

	const listId = 'suppliers-' + number;
	return html`<form class="supplier-form" onSubmit=${submit} novalidate data-testid="supplier-form">
		<h3 class="supplier-form-title">Ask a supplier</h3>
		<label class="field">
			<span>Supplier</span>
			<input type="text" maxlength="100" list=${listId} autocomplete="off" data-testid="supplier-name"
				value=${supplier} onInput=${(e) => setSupplier(e.currentTarget.value)} />
			<datalist id=${listId}>${suppliers.map((s) => html`<option key=${s} value=${s} />`)}</datalist>
			<${FieldError} error=${error} pointer="/supplier" />
		</label>
		<label class="field">
			<span>Question</span>
			<textarea rows="2" data-testid="supplier-question" value=${question}
				onInput=${(e) => setQuestion(e.currentTarget.value)}></textarea>
			<${FieldError} error=${error} pointer="/question" />
		</label>
		<${ErrorBox} error=${error} shown=${['/supplier', '/question']} testid="supplier-form-error" />
		<div class="form-actions">
			<button type="submit" class="btn btn-primary btn-small" disabled=${busy || !supplier.trim() || !question.trim()}
				data-testid="supplier-submit">${busy ? 'Opening…' : 'Open request'}</button>
		</div>
	</form>`;
}
