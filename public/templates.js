// Template editor: the variable picker and the live character/segment counter. The form works
// without this script; it only adds the picker's buttons and keeps the counter current.
'use strict';

/** The same counter as the record pages (public/sms-counter.js, loaded first). */
function counterText(text) {
  return window.crmSms.describeCount(window.crmSms.countSegments(text));
}

function setUpCounters() {
  for (const field of document.querySelectorAll('[data-counted]')) {
    const counter = document.getElementById(field.getAttribute('data-counted'));
    if (!counter) {
      continue;
    }
    const update = () => {
      counter.textContent = counterText(field.value);
    };
    field.addEventListener('input', update);
    update();
  }
}

function snippetOf(name) {
  return '{{ ' + name + ' }}';
}

function setUpPicker(picker) {
  const form = picker.closest('form');
  const moduleSelect = form.querySelector('[data-module-select]');
  const body = form.querySelector('textarea[name="body"]');
  const fieldSelect = picker.querySelector('[data-picker-field]');
  const snippetBox = picker.querySelector('[data-picker-snippet]');
  const status = picker.querySelector('[data-picker-status]');
  const insertButton = picker.querySelector('[data-picker-insert]');
  const copyButton = picker.querySelector('[data-picker-copy]');
  let lists = {};
  try {
    lists = JSON.parse(picker.getAttribute('data-variables') || '{}');
  } catch {
    return;
  }

  const selected = () => (fieldSelect.value ? snippetOf(fieldSelect.value) : '');
  const showSnippet = () => {
    snippetBox.value = selected();
    status.textContent = '';
  };

  // The module decides which variables a template may use: the list follows it.
  const fillOptions = () => {
    const variables = lists[moduleSelect.value] || [];
    fieldSelect.replaceChildren(
      ...variables.map((variable, index) => {
        const option = document.createElement('option');
        option.value = variable.name;
        option.textContent = variable.label + ' — ' + variable.name;
        option.selected = index === 0;
        return option;
      }),
    );
    showSnippet();
  };

  const insert = () => {
    const snippet = selected();
    if (!snippet) {
      return;
    }
    const start = body.selectionStart ?? body.value.length;
    const end = body.selectionEnd ?? start;
    body.setRangeText(snippet, start, end, 'end');
    body.focus();
    body.dispatchEvent(new Event('input', { bubbles: true }));
    status.textContent = 'Inserted ' + snippet + '.';
  };

  /** Resolves true once written; false when refused, absent, or still pending after 1 s. */
  const writeClipboard = (text) => {
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      return Promise.resolve(false);
    }
    return Promise.race([
      navigator.clipboard.writeText(text).then(
        () => true,
        () => false,
      ),
      new Promise((resolve) => setTimeout(() => resolve(false), 1000)),
    ]);
  };

  const copy = async () => {
    const snippet = selected();
    if (!snippet) {
      return;
    }
    showSnippet();
    status.textContent = 'Copying ' + snippet + '…';
    let copied = await writeClipboard(snippet);
    if (!copied) {
      // No async clipboard (plain HTTP, headless, permission refused): copy the selected box.
      snippetBox.focus();
      snippetBox.select();
      try {
        copied = document.execCommand('copy');
      } catch {
        copied = false;
      }
    }
    status.textContent = copied
      ? 'Copied ' + snippet + ' to the clipboard.'
      : 'Copy the snippet from the box: it is selected.';
  };

  moduleSelect.addEventListener('change', fillOptions);
  fieldSelect.addEventListener('change', showSnippet);
  fieldSelect.addEventListener('dblclick', insert);
  insertButton.addEventListener('click', insert);
  copyButton.addEventListener('click', copy);
  insertButton.hidden = false;
  copyButton.hidden = false;
}

/** Puts the cursor where the first Liquid error is, so it can be fixed right away. */
function placeCursorAtError() {
  const body = document.querySelector('textarea[data-error-line]');
  if (!body) {
    return;
  }
  const line = Number(body.getAttribute('data-error-line'));
  const column = Number(body.getAttribute('data-error-column'));
  const lines = body.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i += 1) {
    offset += lines[i].length + 1;
  }
  offset = Math.min(body.value.length, offset + Math.max(0, column - 1));
  body.focus();
  body.setSelectionRange(offset, offset);
}

document.addEventListener('DOMContentLoaded', () => {
  setUpCounters();
  placeCursorAtError();
  for (const picker of document.querySelectorAll('[data-variable-picker]')) {
    setUpPicker(picker);
  }
});
