/**
 * Saves text the page already holds as a file (a CSV the API answered): a link to a Blob, clicked
 * once and let go. The API's exports need the sign-in token, so a plain link cannot fetch them.
 */
export const saveText = (name: string, text: string, type: string) => {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the browser has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};
