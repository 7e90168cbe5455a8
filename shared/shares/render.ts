/**
 * The one function that turns approved content into the text a network receives. The compliance
 * check runs on its output, and the share worker publishes its output, so what was checked is
 * exactly what is posted.
 */
export interface RenderInput {
  copy: string;
  link?: string | undefined;
  disclaimers: readonly string[];
}

export const renderShareText = ({ copy, link, disclaimers }: RenderInput): string =>
  [copy.trim(), link, ...disclaimers].filter((part): part is string => Boolean(part)).join('\n\n');
