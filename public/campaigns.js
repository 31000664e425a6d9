// Campaign pages: dispatch dates in the browser's time zone, templates filtered by module, and
// progress polling while a campaign is generated or sent. Every page works without it.
'use strict';

const pad = (n) => String(n).padStart(2, '0');

/** A Date as a datetime-local value in the browser's zone. */
function localValue(date) {
  return (
    date.getFullYear() +
    '-' +
    pad(date.getMonth() + 1) +
    '-' +
    pad(date.getDate()) +
    'T' +
    pad(date.getHours()) +
    ':' +
    pad(date.getMinutes())
  );
}

function zoneName() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    return '';
  }
}

function setUpCampaignForm(form) {
  const input = form.querySelector('input[name="send_date"]');
  const offset = form.querySelector('[data-tz-offset]');
  const label = form.querySelector('[data-tz-label]');
  // The server sends UTC; show it in local time, and say which zone the field is in.
  const utc = input.getAttribute('data-utc');
  if (utc) {
    const date = new Date(utc);
    if (!Number.isNaN(date.getTime())) {
      input.value = localValue(date);
    }
  }
  const zone = zoneName();
  label.textContent = 'Time in your time zone' + (zone ? ' (' + zone + ')' : '') + '.';
  // The offset of the chosen date (not of today): daylight saving time may differ.
  const syncOffset = () => {
    const date = new Date(input.value);
    offset.value = Number.isNaN(date.getTime()) ? '' : String(date.getTimezoneOffset());
  };
  input.addEventListener('change', syncOffset);
  form.addEventListener('submit', syncOffset);
  syncOffset();

  // Only templates of the chosen module can be used.
  const moduleSelect = form.querySelector('[data-module-select]');
  const templateSelect = form.querySelector('[data-template-select]');
  const filterTemplates = () => {
    const module = moduleSelect.value;
    for (const group of templateSelect.querySelectorAll('optgroup')) {
      const match = group.getAttribute('data-module') === module;
      group.hidden = !match;
      group.disabled = !match;
    }
    const chosen = templateSelect.selectedOptions[0];
    if (chosen && chosen.value && chosen.getAttribute('data-module') !== module) {
      templateSelect.value = '';
    }
  };
  moduleSelect.addEventListener('change', filterTemplates);
  filterTemplates();
}

function showLocalTimes() {
  for (const time of document.querySelectorAll('time[data-local-time]')) {
    const date = new Date(time.getAttribute('datetime'));
    if (!Number.isNaN(date.getTime())) {
      time.title = time.textContent;
      time.textContent = localValue(date).replace('T', ' ') + ' (' + (zoneName() || 'local') + ')';
    }
  }
}

/** Polls the progress every 2 s while the campaign is active; stops once it is not. */
function pollProgress(panel) {
  if (panel.getAttribute('data-active') !== 'true') {
    return;
  }
  const url = panel.getAttribute('data-progress-url');
  const badge = document.querySelector('[data-status-badge]');
  const note = document.querySelector('[data-poll-note]');
  let failures = 0;
  const timer = window.setInterval(async () => {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' } });
      if (!res.ok) {
        throw new Error('HTTP ' + res.status);
      }
      const data = await res.json();
      failures = 0;
      panel.innerHTML = data.html;
      if (badge && badge.textContent !== data.status_label) {
        badge.textContent = data.status_label;
        badge.className = 'status status-' + data.status;
        if (note) {
          note.textContent =
            'The campaign is now ' + data.status_label + '. Refresh for the lists below.';
        }
      }
      if (!data.active) {
        window.clearInterval(timer);
      }
    } catch {
      // A few misses (server restarting) are fine; then leave it to the Refresh link.
      failures += 1;
      if (failures >= 5) {
        window.clearInterval(timer);
      }
    }
  }, 2000);
}

function countSelected(form) {
  const out = form.querySelector('[data-selected-count]');
  if (!out) {
    return;
  }
  const update = () => {
    const n = form.querySelectorAll('input[name="ids"]:checked').length;
    out.textContent = n === 0 ? '' : n + ' selected';
  };
  form.addEventListener('change', update);
  update();
}

document.addEventListener('DOMContentLoaded', () => {
  for (const form of document.querySelectorAll('[data-campaign-form]')) {
    setUpCampaignForm(form);
  }
  showLocalTimes();
  for (const panel of document.querySelectorAll('[data-progress-url]')) {
    pollProgress(panel);
  }
  for (const form of document.querySelectorAll('[data-selection-form]')) {
    countSelected(form);
  }
});
