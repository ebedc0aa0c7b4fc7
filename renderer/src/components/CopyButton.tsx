/** Copies text to the clipboard and says so for a moment. */
import { useEffect, useState } from 'react';
import { IconCheck, IconCopy } from './Icons';

async function writeClipboard(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Clipboard API unavailable (insecure context, permissions): fall back to a selection copy.
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.className = 'offscreen';
  document.body.appendChild(ta);
  ta.select();
  document.execCommand('copy');
  ta.remove();
}

export function CopyButton({ text, label = 'Copy', title }: { text: string | (() => string); label?: string; title?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1200);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button
      type="button"
      className={`btn btn-small btn-ghost${copied ? ' btn-done' : ''}`}
      title={title ?? label}
      onClick={() => {
        void writeClipboard(typeof text === 'function' ? text() : text).then(() => setCopied(true));
      }}
    >
      {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
      <span>{copied ? 'Copied' : label}</span>
    </button>
  );
}
