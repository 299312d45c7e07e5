@routing
Feature: Messaging and standby routing
  Events of a thread go to its owner in `messaging` and to every other app subscribed to
  `standby` in `standby`; postbacks in standby carry no payload (spec §1.5, §3.8). A contact
  centre listens on standby while the bot talks, and must neither crash on nor answer it.

  @HOP-ROUTE-001 @HOP-ROBUST-STANDBY @secondary
  Scenario: A message in a bot-owned thread reaches the contact centre on standby and is acknowledged
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna writes "Do you deliver on Saturdays?"
    Then the contact centre receives Anna's message on the standby channel
    And the contact centre acknowledges every webhook

  @HOP-ROUTE-002 @HOP-ROUTE-STANDBY-SILENT @secondary
  Scenario: The contact centre stays silent on standby messages
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna writes "What are your opening hours?"
    Then the bot sends Anna a message
    And the contact centre sends nothing to Anna
    And the bot owns Anna's conversation

  @HOP-ROUTE-003 @HOP-ROUTE-POSTBACK-STANDBY @HOP-ROBUST-STANDBY @secondary
  Scenario: A postback on standby arrives without its payload and is only acknowledged
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna taps the "Opening hours" button with payload "FAQ_HOURS"
    Then the contact centre receives Anna's postback on the standby channel without a payload
    And the contact centre acknowledges every webhook
    And the contact centre sends nothing to Anna

  @HOP-ROUTE-004 @HOP-ROUTE-MESSAGING @secondary
  Scenario: After the handover the user's messages reach the contact centre on the messaging channel
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When Anna writes "My order number is 12345"
    Then the contact centre receives Anna's message on the messaging channel
    And the bot receives Anna's message on the standby channel
    And the contact centre acknowledges every webhook

  @HOP-ROUTE-005 @HOP-ROBUST-EVENTS @secondary
  Scenario: Read receipts are acknowledged
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When Anna reads the conversation
    Then the contact centre acknowledges every webhook

  @HOP-ROUTE-006 @HOP-ROBUST-EVENTS @secondary
  Scenario: Reactions are acknowledged
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When Anna reacts to the last message
    Then the contact centre acknowledges every webhook

  @HOP-ROUTE-007 @HOP-ROUTE-STANDBY-SILENT @HOP-BATCH @secondary
  Scenario: Several standby messages in a row get no answer from the contact centre
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna writes "Hi again"
    And Anna writes "Do you ship to Portugal?"
    And Anna writes "Thanks"
    Then the contact centre sends nothing to Anna
    And the contact centre acknowledges every webhook
