// A folder for main to read (a project to discover, another tool's configuration to import): typed
// or, in the desktop app, picked in its folder dialog; in headless mode the folders main may read
// (--project-root) are offered. Main refuses anything outside the chosen folders either way.
import { useEffect, useState, type ReactNode } from 'react';
import { isDesktop, vigil } from '../client/index.ts';

export interface FolderPickerProps {
  /** The input's accessible name ("Project folder"). */
  label: string;
  placeholder: string;
  path: string;
  onPathChange(path: string): void;
  /** The form's submit: reads the folder in `path`. */
  onSubmit(): void;
  /** A folder picked in the desktop dialog (already set as the path). */
  onChosen?(path: string): void;
  onError(message: string): void;
  /** The submit button's text ("Reading…" while it reads). */
  submitLabel: string;
  /** Something is running: both buttons wait. */
  busy: boolean;
  /** Controls between the folder and the submit button (the import's format). */
  children?: ReactNode;
}

export function FolderPicker(props: FolderPickerProps) {
  const { path, busy } = props;
  const [roots, setRoots] = useState<string[]>([]);

  useEffect(() => {
    let live = true;
    void vigil.call('contracts.projectRoots', {}).then((answer) => {
      if (live && answer.ok) setRoots(answer.value.roots);
    });
    return () => {
      live = false;
    };
  }, []);

  const choose = async (): Promise<void> => {
    const chosen = await vigil.call('dialog.chooseProjectFolder', {});
    if (!chosen.ok) {
      props.onError(chosen.error.message);
      return;
    }
    if (chosen.value.path === null) return;
    props.onPathChange(chosen.value.path);
    props.onChosen?.(chosen.value.path);
  };

  return (
    <>
      <form
        className="inline-action folder-picker"
        onSubmit={(event) => {
          event.preventDefault();
          props.onSubmit();
        }}
      >
        <input
          aria-label={props.label}
          className="mono"
          value={path}
          onChange={(e) => props.onPathChange(e.target.value)}
          placeholder={props.placeholder}
          spellCheck={false}
        />
        {props.children}
        <button type="submit" className="button-small" disabled={path.trim() === '' || busy}>
          {props.submitLabel}
        </button>
        {isDesktop && (
          <button
            type="button"
            className="button-small"
            disabled={busy}
            onClick={() => void choose()}
          >
            Choose folder…
          </button>
        )}
      </form>
      {!isDesktop && (
        <div className="small muted" role="group" aria-label="Folders Vigil may read">
          {roots.length === 0 ? (
            <>
              Vigil reads only folders its operator allowed: start it with{' '}
              <code>--project-root DIR</code>.
            </>
          ) : (
            <>
              Folders Vigil may read (<code>--project-root</code>):{' '}
              {roots.map((root) => (
                <button
                  key={root}
                  type="button"
                  className="button-small mono"
                  onClick={() => props.onPathChange(root)}
                >
                  {root}
                </button>
              ))}
            </>
          )}
        </div>
      )}
    </>
  );
}
