// The AlertSink document (apiVersion nasorch/v1, kind AlertSink): where alert notifications go.
// Lives in the policy directory beside the policies and is validated the same way (strict
// objects, file:line errors). Secrets are never written here: `secretEnv` names a variable.
import { z } from 'zod';
import { POLICY_API_VERSION, POLICY_NAME_PATTERN, expected, fixedDuration, nonEmptyText, text } from '../policy/policy-schema.ts';

export const ALERT_SINK_KIND = 'AlertSink';
export const SINK_TYPES = ['webhook', 'slack', 'alertmanager'] as const;
export const ALERT_SEVERITIES = ['warning', 'critical'] as const;

const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const MatchSchema = z
  .strictObject(
    {
      severity: z
        .array(z.enum(ALERT_SEVERITIES, { error: expected('warning or critical') }), { error: expected('a list of severities') })
        .optional()
        .meta({ description: 'Only alerts of these severities (warning, critical). Default: all.', examples: [['critical']] }),
      policies: z
        .array(nonEmptyText('a policy name'), { error: expected('a list of policy names') })
        .optional()
        .meta({ description: 'Only alerts of these policies. Default: all alerts, including those of no policy.', examples: [['prod-daily']] }),
    },
    { error: expected('a mapping with severity and/or policies') },
  )
  .meta({ description: 'Which alerts reach this sink: an alert must match every criterion given.' });

const SinkSpecSchema = z
  .strictObject(
    {
      type: z.enum(SINK_TYPES, { error: expected(`one of ${SINK_TYPES.join(', ')}`) }).meta({
        description:
          'webhook: POST of the alert as JSON (signed when secretEnv is set); slack: a readable message to a Slack incoming webhook; ' +
          'alertmanager: POST to <url>/api/v2/alerts.',
      }),
      url: text('an http(s) URL')
        .regex(/^https?:\/\/[^\s]+$/, { error: expected('an http(s) URL') })
        .meta({
          description: 'Where to send. For alertmanager the base URL (e.g. http://alertmanager:9093). Never logged (Slack URLs are secrets).',
          examples: ['https://hooks.example.com/nasorch'],
        }),
      secretEnv: text('an environment variable name')
        .regex(ENV_NAME_PATTERN, { error: expected('an environment variable name such as NASORCH_ONCALL_SECRET') })
        .optional()
        .meta({
          description:
            'Name of the environment variable holding the secret. webhook: HMAC-SHA256 key of the X-Nasorch-Signature header; ' +
            'alertmanager: sent as "Authorization: Bearer <secret>"; slack: unused.',
          examples: ['NASORCH_ONCALL_SECRET'],
        }),
      match: MatchSchema.optional(),
      repeatInterval: fixedDuration('Re-notify while the alert stays open (and is not acknowledged), every this long. Default: no re-notification.').optional(),
    },
    { error: expected('a mapping with type and url') },
  )
  .meta({ description: 'Where and which alerts to send.' });

export const AlertSinkDocumentSchema = z
  .strictObject(
    {
      apiVersion: z.literal(POLICY_API_VERSION, { error: expected(`"${POLICY_API_VERSION}"`) }),
      kind: z.literal(ALERT_SINK_KIND, { error: expected(`"${ALERT_SINK_KIND}"`) }),
      metadata: z.strictObject(
        {
          name: text('a sink name')
            .regex(POLICY_NAME_PATTERN, {
              error: expected("a name of lowercase letters, digits and '-' (at most 63, starting and ending with a letter or digit)"),
            })
            .meta({ description: 'Unique among the sinks of the policy directory.', examples: ['oncall'] }),
          description: text('a text').optional().meta({ description: 'Free text for humans.' }),
        },
        { error: expected('a mapping with name') },
      ),
      spec: SinkSpecSchema,
    },
    { error: expected('an alert sink (a mapping with apiVersion, kind, metadata and spec)') },
  )
  .meta({ title: 'nasorch alert sink', description: 'Where nasorch sends alert notifications (open, re-notify, resolved).' });

export type AlertSinkDocument = z.output<typeof AlertSinkDocumentSchema>;
