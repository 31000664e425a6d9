// The live SMS counter shared by the record and template pages: segments counted exactly as
// src/domain/sms-segments.ts counts them (3GPP TS 23.038, no national shift tables).
/* global window */
(function () {
  'use strict';

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

  // Used by records.js and templates.js; the browser tests check it against the server's rules.
  window.crmSms = { countSegments: countSegments, describeCount: describeCount };
})();
