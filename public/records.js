// Record pages: the SMS form's live counter, template picker, preview and time zone; the
// history's period filter. Every form still works without this script.
/* global window, document, fetch, URLSearchParams, URL, history */
(function () {
  'use strict';

  // Loaded before this file (public/sms-counter.js).
  var countSegments = window.crmSms.countSegments;
  var describeCount = window.crmSms.describeCount;

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
