// Record pages: the SMS form's live counter, template picker, preview and time zone; the
// history's period filter. Every form still works without this script.
/* global window, document, fetch, URLSearchParams, URL, history */
(function () {
  'use strict';

  // --- Segment counting: mirrors src/domain/sms-segments.ts (3GPP TS 23.038, no shift tables).
  var GSM7_SINGLE = 160;
  var GSM7_MULTI = 153;
  var UCS2_SINGLE = 70;
  var UCS2_MULTI = 67;
  var GSM7_BASIC =
    '@£$¥èéùìòÇ\nØø\rÅå' +
    'Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ' +
    ' !"#¤%&\'()*+,-./' +
    '0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNO' +
    'PQRSTUVWXYZÄÖÑÜ§' +
    '¿abcdefghijklmno' +
    'pqrstuvwxyzäöñüà';
  // Each is sent as ESC + code: 2 septets.
  var GSM7_EXTENSION = '\f^{}\\[]~|€';
  var COST = {};
  for (var b = 0; b < GSM7_BASIC.length; b++) {
    // ESC is framing, not a character a user can send.
    if (GSM7_BASIC.charCodeAt(b) !== 0x1b) {
      COST[GSM7_BASIC.charCodeAt(b)] = 1;
    }
  }
  for (var e = 0; e < GSM7_EXTENSION.length; e++) {
    COST[GSM7_EXTENSION.charCodeAt(e)] = 2;
  }

  function result(encoding, characters, units, parts, fill) {
    var single = encoding === 'GSM-7' ? GSM7_SINGLE : UCS2_SINGLE;
    if (units <= single) {
      return {
        encoding: encoding,
        characters: characters,
        units: units,
        segments: units === 0 ? 0 : 1,
        unitsPerSegment: single,
        remainingInSegment: single - units,
      };
    }
    var multi = encoding === 'GSM-7' ? GSM7_MULTI : UCS2_MULTI;
    return {
      encoding: encoding,
      characters: characters,
      units: units,
      segments: parts,
      unitsPerSegment: multi,
      remainingInSegment: multi - fill,
    };
  }

  // Multi-part packing never splits an escape pair or a surrogate pair: it moves to the next part.
  function countSegments(text) {
    var septets = 0;
    var parts = 1;
    var fill = 0;
    var i = 0;
    for (; i < text.length; i++) {
      var cost = COST[text.charCodeAt(i)] || 0;
      if (cost === 0) {
        break;
      }
      septets += cost;
      if (fill + cost > GSM7_MULTI) {
        parts++;
        fill = cost;
      } else {
        fill += cost;
      }
    }
    if (i === text.length) {
      return result('GSM-7', text.length, septets, parts, fill);
    }
    var units = i;
    var codePoints = i;
    parts = i === 0 ? 1 : Math.ceil(i / UCS2_MULTI);
    fill = i - (parts - 1) * UCS2_MULTI;
    while (i < text.length) {
      var code = text.charCodeAt(i);
      var size = 1;
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        var next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          size = 2;
        }
      }
      i += size;
      units += size;
      codePoints++;
      if (fill + size > UCS2_MULTI) {
        parts++;
        fill = size;
      } else {
        fill += size;
      }
    }
    return result('UCS-2', codePoints, units, parts, fill);
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  /** "161 characters · GSM-7 · 2 SMS segments · 145 left in the last segment". */
  function describeCount(count) {
    var text = plural(count.characters, 'character');
    if (count.units !== count.characters) {
      text +=
        ' (' + count.units + (count.encoding === 'GSM-7' ? ' septets' : ' UTF-16 units') + ')';
    }
    return (
      text +
      ' · ' +
      count.encoding +
      ' · ' +
      plural(count.segments, 'SMS segment') +
      ' · ' +
      count.remainingInSegment +
      ' left in the last segment'
    );
  }

  // Exposed so the browser tests can check this copy against the server's rules.
  window.crmSms = { countSegments: countSegments, describeCount: describeCount };

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function setUpSmsForm(form) {
    var body = form.querySelector('[data-sms-body]');
    var counter = form.querySelector('[data-sms-counter]');
    var picker = form.querySelector('[data-template-picker]');
    var sendDate = form.querySelector('[data-send-date]');
    var tzOffset = form.querySelector('[data-tz-offset]');
    var tzName = form.querySelector('[data-tz-name]');
    var tzHint = form.querySelector('[data-tz-hint]');
    var previewButton = form.querySelector('[data-preview]');
    var output = form.querySelector('[data-preview-output]');
    var outputBody = form.querySelector('[data-preview-body]');

    function updateCounter() {
      counter.textContent = describeCount(countSegments(body.value));
    }
    if (body && counter) {
      body.addEventListener('input', updateCounter);
      updateCounter();
    }

    if (picker && body) {
      picker.addEventListener('change', function () {
        var option = picker.options[picker.selectedIndex];
        var template = option ? option.getAttribute('data-body') : null;
        if (template !== null) {
          body.value = template;
          updateCounter();
        }
      });
    }

    // The time zone of the browser, for the label and for reading the typed send date.
    var zone = (function () {
      try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
      } catch {
        return '';
      }
    })();
    if (tzName) {
      tzName.textContent = zone ? 'your time, ' + zone : 'your time';
    }
    if (tzHint) {
      tzHint.textContent = 'Read in your time zone' + (zone ? ' (' + zone + ')' : '') + '.';
    }
    function updateOffset() {
      if (!tzOffset) {
        return;
      }
      // The offset at the chosen moment, so a date across a DST change is read right.
      var at = sendDate && sendDate.value ? new Date(sendDate.value) : new Date();
      tzOffset.value = String(
        isNaN(at.getTime()) ? new Date().getTimezoneOffset() : at.getTimezoneOffset(),
      );
    }
    updateOffset();
    if (sendDate) {
      sendDate.addEventListener('change', updateOffset);
      sendDate.addEventListener('input', updateOffset);
    }
    form.addEventListener('submit', updateOffset);

    if (previewButton && output && outputBody) {
      previewButton.addEventListener('click', function (event) {
        event.preventDefault();
        var params = new URLSearchParams();
        params.set('body', body.value);
        if (picker && picker.value) {
          params.set('template_id', picker.value);
        }
        outputBody.textContent = 'Rendering…';
        output.hidden = false;
        fetch(form.getAttribute('data-preview-url'), {
          method: 'POST',
          credentials: 'same-origin',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-csrf-token': csrfToken(),
            accept: 'application/json',
          },
          body: params.toString(),
        })
          .then(function (res) {
            return res.json().then(function (data) {
              return { ok: res.ok, data: data };
            });
          })
          .then(function (answer) {
            outputBody.textContent = '';
            var data = answer.data;
            if (!answer.ok) {
              var list = element('ul', 'field-error preview-errors');
              (data.errors || [{ message: data.message || 'The preview failed.' }]).forEach(
                function (detail) {
                  list.appendChild(element('li', '', detail.message));
                },
              );
              outputBody.appendChild(list);
              return;
            }
            outputBody.appendChild(element('p', 'sms-bubble', data.text));
            outputBody.appendChild(
              element(
                'p',
                'counter',
                describeCount({
                  encoding: data.encoding,
                  characters: data.characters,
                  units: data.characters,
                  segments: data.segments,
                  remainingInSegment: data.remaining_in_segment,
                }),
              ),
            );
            if (data.gsm7_suggestions && data.gsm7_suggestions.length > 0) {
              outputBody.appendChild(
                element(
                  'p',
                  'gsm-hint',
                  'These characters force UCS-2 (70 characters per SMS instead of 160): ' +
                    data.gsm7_suggestions
                      .map(function (s) {
                        return '“' + s.char + '” → “' + s.replacement + '”';
                      })
                      .join(', '),
                ),
              );
            }
          })
          .catch(function () {
            outputBody.textContent = 'The preview could not be loaded. Try again.';
          });
      });
    }
  }

  function setUpPeriodFilter(select) {
    var form = select.form;
    var range = form ? form.querySelectorAll('[data-custom-range]') : [];
    function toggle() {
      for (var i = 0; i < range.length; i++) {
        range[i].hidden = select.value !== 'custom';
      }
    }
    select.addEventListener('change', toggle);
    toggle();
  }

  // A one-time notice (?done=…) should not come back on reload or when the link is shared.
  function dropNoticeParam() {
    var url = new URL(window.location.href);
    if (url.searchParams.has('done')) {
      url.searchParams.delete('done');
      history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    dropNoticeParam();
    document.querySelectorAll('form[data-sms-form]').forEach(setUpSmsForm);
    document.querySelectorAll('select[data-period]').forEach(setUpPeriodFilter);
  });
})();
