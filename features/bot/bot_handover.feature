@bot
Feature: The bot as Primary Receiver
  When the bot is the system under test, the contact centre and the Page Inbox are played by the
  harness. The bot escalates to the contact centre's app id, greets the user again when control
  comes back, answers request_thread_control by passing control, and stays silent on standby
  (SentiOne seed: "the bot may greet again"; spec §1.6, §2.5, §6.4).

  @HOP-BOT-001 @HOP-BOT-ESCALATE-TARGET @primary
  Scenario: The bot escalates to the contact centre when the user asks for a person
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna writes "I want to talk to a human agent"
    Then the bot passes control of Anna's conversation to the contact centre
    And the contact centre owns Anna's conversation

  @HOP-BOT-002 @HOP-BOT-ESCALATE-TARGET @primary
  Scenario: The "Talk to an agent" button escalates to the contact centre
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna taps the "Talk to an agent" button with payload "TALK_TO_AGENT"
    Then the bot passes control of Anna's conversation to the contact centre
    And every handover call of the bot for Anna targets the contact centre

  @HOP-BOT-003 @HOP-BOT-GREET-RETURN @primary
  Scenario: The bot greets the user again when the contact centre passes control back
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the contact centre passes control of Anna's conversation back to the bot
    Then the bot owns Anna's conversation
    And the bot sends Anna a message

  @HOP-BOT-004 @HOP-BOT-GREET-RETURN @legacy_hop @hop_v2 @primary
  Scenario: The bot greets the user again when the Page Inbox marks the conversation as done
    Given a user "Anna"
    And the Page Inbox owns Anna's conversation
    When a human in the Page Inbox marks Anna's conversation as done
    Then the bot receives a pass_thread_control event with metadata "Pass thread control from Page Inbox"
    And the bot sends Anna a message

  @HOP-BOT-005 @HOP-BOT-REQUEST @primary
  Scenario: The bot passes control when the contact centre requests it
    Given a user "Anna"
    And Anna has been chatting with the bot
    When the contact centre requests control of Anna's conversation
    Then the bot passes control of Anna's conversation to the contact centre
    And the contact centre owns Anna's conversation

  @HOP-BOT-006 @HOP-BOT-REQUEST @legacy_hop @hop_v2 @primary
  Scenario: The bot hands the conversation to the Page Inbox on "Move to Main"
    Given a user "Anna"
    And Anna has been chatting with the bot
    When a human in the Page Inbox moves Anna's conversation to Main
    Then the bot passes control of Anna's conversation to the Page Inbox

  @HOP-BOT-007 @HOP-ROBUST-STANDBY @primary
  Scenario: The bot acknowledges standby entries while the contact centre owns the thread
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When Anna writes "Hello, is the agent still there?"
    Then the bot receives Anna's message on the standby channel
    And the bot acknowledges every webhook

  @HOP-BOT-008 @HOP-ROUTE-STANDBY-SILENT @primary
  Scenario: The bot does not answer the user while the contact centre owns the thread
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When Anna writes "What are your opening hours?"
    Then the bot sends nothing to Anna

  @HOP-BOT-009 @HOP-ECHO-LOOP @primary
  Scenario: The bot does not answer its own echoes
    Given a user "Anna"
    When Anna writes "Hello"
    Then the bot sends Anna at most 2 messages
    And the bot acknowledges every webhook

  @HOP-BOT-010 @HOP-ECHO-LOOP @HOP-ROUTE-STANDBY-SILENT @primary
  Scenario: The bot does not answer the contact centre's echoes
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the contact centre sends Anna "Hi Anna, this is the support team."
    Then the bot sends nothing to Anna
    And the bot acknowledges every webhook
