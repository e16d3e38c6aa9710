/** Modal dialogs on the native <dialog> element: focus trapping, Escape and the backdrop come free. */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { IconClose } from './icons.tsx';

/**
 * A modal shown while mounted. Escape and the close button call `onClose`; `footer` holds the actions.
 */
export function Modal({ title, onClose, children, footer, wide = false }: {
  title: string; onClose(): void; children: ReactNode; footer?: ReactNode; wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => { if (d?.open) d.close(); };
  }, []);
  return (
    <dialog ref={ref} className={wide ? 'modal modal-wide' : 'modal'} aria-labelledby={titleId}
      onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <header className="modal-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}><IconClose /></button>
      </header>
      <div className="modal-body">{children}</div>
      {footer && <footer className="modal-footer">{footer}</footer>}
    </dialog>
  );
}
