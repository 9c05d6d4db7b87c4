/**
 * Queues new and changed contacts for the active Contact routing flow; KeyrouteRoutingTriggerHandler decides.
 */
trigger KeyrouteContactRouting on Contact(after insert, after update) {
    KeyrouteRoutingTriggerHandler.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
