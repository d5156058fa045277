/**
 * @module worker/formats/raw-html
 * `rawHtml`: the HTML as the server sent it (decoded to text), or in browser mode the rendered DOM.
 */
import { defineFormat } from './define-format.ts';

export const rawHtmlFormat = defineFormat({
  name: 'rawHtml',
  async run(page) {
    return { result: { rawHtml: page.html ?? '' } };
  },
});
