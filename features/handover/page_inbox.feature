@handover
Feature: The Page Inbox as a party to the handover
  Humans in Meta Business Suite act through the Page Inbox app 263902037430900: a reply there is
  an echo with that app id (and in conversation routing an implicit take); "Mark as done" passes
  control to the Primary; "Move to Main" requests it (spec §1.4, §1.6, §3.3, §6.8).

  @HOP-INBOX-001 @HOP-LABEL-INBOX @HOP-ROUTE-STANDBY-SILENT @legacy_hop @conversation_routing @secondary
  Scenario: A human reply in the Page Inbox is not answered by the contact centre
    Given a user "Anna"
    And Anna has been chatting with the bot
    When a human in the Page Inbox replies "This is Maria from the shop, I will help you." to Anna
    Then the contact centre acknowledges every webhook
    And the contact centre sends nothing to Anna

  @HOP-INBOX-002 @HOP-LABEL-INBOX @legacy_hop @conversation_routing @secondary @cap-conversation @adapter-reported
  Scenario: A human reply in the Page Inbox is shown as coming from the Page Inbox
    Given a user "Anna"
    And Anna has been chatting with the bot
    When a human in the Page Inbox replies "This is Maria from the shop." to Anna
    Then the contact centre shows the message "This is Maria from the shop." labelled "Page Inbox" in Anna's conversation

  @HOP-INBOX-003 @HOP-ROBUST-EVENTS @HOP-ROUTE-STANDBY-SILENT @legacy_hop @hop_v2 @secondary
  Scenario: "Move to Main" in the Page Inbox is not answered by the contact centre
    Given a user "Anna"
    And Anna has been chatting with the bot
    When a human in the Page Inbox moves Anna's conversation to Main
    Then the contact centre acknowledges every webhook
    And the contact centre sends nothing to Anna
