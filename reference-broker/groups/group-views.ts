import { memberMetadata, type ClassicGroup } from './classic-group.ts';
import type { DescribedGroup, GroupView, ListedGroup } from './types.ts';

const EMPTY = Buffer.alloc(0);

/**
 * A group as DescribeGroups shows it: member metadata and assignments only while Stable (in
 * other states they are in flux), the selected protocol likewise.
 */
export function describedGroup(group: ClassicGroup): DescribedGroup {
  const stable = group.is('Stable');
  return {
    errorCode: 0,
    groupId: group.groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? memberMetadata(m, group.protocolName) : EMPTY,
      memberAssignment: stable ? m.assignment : EMPTY,
    })),
  };
}

/** DescribeGroups' answer for a group that does not exist (or when `errorCode` says why not). */
export function deadGroup(groupId: string, errorCode: number): DescribedGroup {
  return { errorCode, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
}

/** A group as ListGroups shows it. */
export function listedGroup(group: ClassicGroup): ListedGroup {
  return {
    groupId: group.groupId,
    protocolType: group.protocolType ?? '',
    groupState: group.state,
    groupType: 'classic',
  };
}

/** Whether a group passes ListGroups' state filter (lower-cased names; empty keeps everything). */
export function matchesStateFilter(group: ClassicGroup, lowerCaseStates: ReadonlySet<string>): boolean {
  return lowerCaseStates.size === 0 || lowerCaseStates.has(group.state.toLowerCase());
}

/** The live state of a group, for tests and diagnostics. */
export function groupView(group: ClassicGroup): GroupView {
  return {
    groupId: group.groupId,
    state: group.state,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leaderId: group.leaderId,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      assignment: m.assignment,
    })),
    pendingMemberIds: [...group.pendingJoinMembers],
  };
}
