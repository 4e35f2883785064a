const LEGAL = /^[a-zA-Z0-9._-]+$/;
/** Kafka's limit (249) keeps partition directory names under 255 bytes. */
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Why a topic name is illegal, as Kafka's `Topic.validate` words it, or null when it is legal. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH)
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  if (!LEGAL.test(name))
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}

/** Topics whose names start with `__` are Kafka's internal ones (offsets, transactions). */
export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state';
}

/**
 * Why a topic name is invalid in the words of Kafka's `Topic.validate(name)` (what the config
 * APIs answer: "Topic name is invalid: ..."), or null when it is legal.
 */
export function topicNameInvalidReason(name: string): string | null {
  const reason =
    name.length === 0
      ? 'the empty string is not allowed'
      : name === '.' || name === '..'
        ? `'${name}' is not allowed`
        : name.length > MAX_TOPIC_NAME_LENGTH
          ? `the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`
          : !LEGAL.test(name)
            ? `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`
            : null;
  return reason === null ? null : `Topic name is invalid: ${reason}`;
}
