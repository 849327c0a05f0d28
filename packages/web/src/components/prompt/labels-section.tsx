import { useState } from 'react';
import { listLabels } from '../../api.ts';
import { useResource } from '../../hooks/use-resource.ts';
import { useProjectRole } from '../../session.tsx';
import { roleAtLeast, type Label } from '../../types.ts';
import { Empty } from '../loading.tsx';
import { LabelCard } from './label-card.tsx';
import { MoveLabelForm } from './move-label-form.tsx';

interface LabelsSectionProps {
  projectId: string;
  promptName: string;
  latestVersion: number;
  labels: Label[];
  protectedLabels: string[];
  onChanged: () => void;
  onChangeRequestCreated: () => void;
}

/** The prompt's labels as cards, and the form that moves them. */
export function LabelsSection({ projectId, promptName, latestVersion, labels, protectedLabels, onChanged, onChangeRequestCreated }: LabelsSectionProps) {
  const role = useProjectRole(projectId);
  const canEdit = roleAtLeast(role, 'editor');
  // The labels again, with the names of whoever moved them (the prompt's own read has no names).
  const named = useResource((signal) => listLabels(projectId, promptName, signal), [projectId, promptName, labels]);
  const shown = named.data?.items ?? labels;
  const names = named.data?.names ?? {};
  const [preset, setPreset] = useState<{ label: Label | null; key: number }>({ label: null, key: 0 });

  return (
    <section data-testid="labels-section">
      {shown.length === 0 ? (
        <Empty>No labels yet. Point one at a version below, e.g. <code>production</code>.</Empty>
      ) : (
        <div className="card-grid">
          {shown.map((label) => (
            <LabelCard
              key={label.name}
              projectId={projectId}
              label={label}
              isProtected={protectedLabels.includes(label.name)}
              canEdit={canEdit}
              names={names}
              onMove={(chosen) => setPreset((current) => ({ label: chosen, key: current.key + 1 }))}
              onChanged={onChanged}
              onChangeRequestCreated={onChangeRequestCreated}
            />
          ))}
        </div>
      )}
      {canEdit ? (
        <MoveLabelForm
          key={preset.key}
          projectId={projectId}
          promptName={promptName}
          latestVersion={latestVersion}
          labels={shown}
          preset={preset.label}
          onMoved={onChanged}
          onChangeRequestCreated={onChangeRequestCreated}
        />
      ) : (
        <p className="muted">Editors and above can move labels.</p>
      )}
    </section>
  );
}
