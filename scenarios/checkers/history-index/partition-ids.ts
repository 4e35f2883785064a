/** Numbers (topic, partition) pairs 0, 1, 2… in order of first appearance. */
export class PartitionIds {
  private readonly byTopic = new Map<string, number[]>();
  // Records of one topic come in runs: the last topic's list saves a map lookup per record.
  private lastTopic: string | undefined = undefined;
  private lastList: number[] = [];
  /** The pair behind each id. */
  readonly names: { topic: string; partition: number }[] = [];

  /** The id of (topic, partition), numbering it when new. */
  id(topic: string, partition: number): number {
    let list: number[] | undefined;
    if (topic === this.lastTopic && this.lastTopic !== undefined) list = this.lastList;
    else {
      list = this.byTopic.get(topic);
      if (!list) this.byTopic.set(topic, (list = []));
      this.lastTopic = topic;
      this.lastList = list;
    }
    let id = list[partition];
    if (id === undefined) {
      id = list[partition] = this.names.length;
      this.names.push({ topic, partition });
    }
    return id;
  }

  /** "topic/partition" of an id. */
  name(id: number): string {
    const n = this.names[id]!;
    return `${n.topic}/${n.partition}`;
  }
}
