/**
 * Queues new and changed leads for the active Lead routing flow; KeyrouteRoutingTriggerHandler decides.
 */
trigger KeyrouteLeadRouting on Lead(after insert, after update) {
    KeyrouteRoutingTriggerHandler.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
