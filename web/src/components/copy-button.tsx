/** A button that copies text, with a fallback for plain-HTTP origins where the Clipboard API is absent. */
import { useEffect, useState } from 'react';
import { IconCheck, IconCopy } from './icons.tsx';

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied: try the legacy path below.
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.className = 'offscreen';
  document.body.append(ta);
  ta.select();
  let ok: boolean;
  try {
    // Deprecated but still the only copy path on plain-HTTP origins (e.g. a LAN address).
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/** Copies `text`; reports success or failure next to the button, and calls `onCopied` on success. */
export function CopyButton({ text, label = 'Copy', onCopied, className = 'button button-small', iconOnly = false }: {
  text: string; label?: string; onCopied?: () => void; className?: string;
  /** Just the icon, with `label` as the accessible name and tooltip (for dense tables). */
  iconOnly?: boolean;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(t);
  }, [state]);
  return (
    <button type="button" className={className} aria-label={iconOnly ? (state === 'copied' ? 'Copied' : label) : undefined} title={iconOnly ? label : undefined} onClick={() => {
      void copyText(text).then((ok) => {
        setState(ok ? 'copied' : 'failed');
        if (ok) onCopied?.();
      });
    }}>
      {state === 'copied' ? <IconCheck /> : <IconCopy />}
      {!iconOnly && <span>{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select and copy manually' : label}</span>}
    </button>
  );
}
