import { useState } from 'react';
import { useMemberNames } from '../../hooks/use-member-names.ts';
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
  const names = useMemberNames(projectId);
  const [preset, setPreset] = useState<{ label: Label | null; key: number }>({ label: null, key: 0 });

  return (
    <section data-testid="labels-section">
      {labels.length === 0 ? (
        <Empty>No labels yet. Point one at a version below, e.g. <code>production</code>.</Empty>
      ) : (
        <div className="card-grid">
          {labels.map((label) => (
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
          labels={labels}
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
