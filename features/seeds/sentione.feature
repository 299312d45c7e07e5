@seeds
Feature: SentiOne React with a Facebook bot (seed 000, Polish)
  SentiOne is the Secondary Receiver (app 256859710996832) next to a bot that is the Primary.
  Bot-handled threads land in "Nowe" unassigned, show "Za obsługę wątku odpowiada bot", the bot's
  answers carry the label "Bot"; a consultant may answer while the bot stays on; assigning routes
  the thread; turning the bot off in Messenger hands the thread to a consultant; a closed thread
  reopens in "Nowe", and must be passed back to the bot when closed.

  @HOP-SEN-001 @HOP-INBOX-NEW-UNASSIGNED @secondary @cap-conversation @adapter-reported
  Scenario: A bot-handled thread lands in New and is not assigned
    Given a user "Kasia" who writes in Polish
    And Kasia has been chatting with the bot
    Then the contact centre shows Kasia's conversation in New
    And Kasia's conversation is not assigned to anyone
    And the contact centre shows Kasia's conversation as handled by the bot

  @HOP-SEN-002 @HOP-LABEL-BOT @secondary @cap-conversation @adapter-reported
  Scenario: The bot flag is shown for a bot-handled thread
    Given a user "Kasia" who writes in Polish
    And Kasia has been chatting with the bot
    When Kasia writes "Jakie są godziny otwarcia?"
    Then the contact centre shows the bot flag on Kasia's conversation
    And the contact centre shows a message labelled "Bot" in Kasia's conversation

  @HOP-SEN-003 @HOP-SEND-LEGACY-PARALLEL @HOP-ROUTE-STANDBY-SILENT @legacy_hop @secondary @cap-reply
  Scenario: A consultant answers while the bot stays on and keeps taking part
    Given a user "Kasia" who writes in Polish
    And Kasia has been chatting with the bot
    When the agent replies "Dzień dobry, tu konsultant. W czym mogę pomóc?" to Kasia
    And Kasia writes "Jakie są godziny otwarcia?"
    Then the contact centre sends Kasia "Dzień dobry, tu konsultant. W czym mogę pomóc?"
    And the bot sends Kasia a message
    And the bot owns Kasia's conversation

  @HOP-SEN-004 @HOP-INBOX-NEW-UNASSIGNED @secondary @cap-assign @cap-conversation @adapter-reported
  Scenario: Assigning a bot-handled thread routes it to In progress without switching the bot off
    Given a user "Kasia" who writes in Polish
    And Kasia has been chatting with the bot
    When the agent "Ewa" is assigned to Kasia's conversation
    Then the contact centre shows Kasia's conversation in In progress
    And Kasia's conversation is assigned to "Ewa"
    And the contact centre makes no handover call for Kasia
    And the bot owns Kasia's conversation

  @HOP-SEN-005 @HOP-BOT-OFF @secondary
  Scenario: Turning the bot off in Messenger hands the thread to the contact centre
    Given a user "Kasia" who writes in Polish
    And Kasia has been chatting with the bot
    When Kasia turns the bot off in Messenger
    Then the contact centre owns Kasia's conversation
    And the contact centre acknowledges every webhook

  @HOP-SEN-006 @HOP-BOT-OFF @secondary @cap-conversation @adapter-reported
  Scenario: A thread whose bot was turned off is routed to a consultant and offers "Pass to bot"
    Given a user "Kasia" who writes in Polish
    And Kasia has been chatting with the bot
    When Kasia turns the bot off in Messenger
    Then the contact centre shows Kasia's conversation in In progress
    And Kasia's conversation is assigned to an agent
    And the contact centre shows Kasia's conversation as handled by an agent

  @HOP-SEN-007 @HOP-REOPEN-NEW @HOP-CLOSE-PASSBACK @secondary @cap-assign @cap-close @cap-conversation @adapter-reported
  Scenario: A bot-handled thread assigned by hand and closed reappears in New on a new message
    Given a user "Kasia" who writes in Polish
    And Kasia has been chatting with the bot
    And the agent "Ewa" is assigned to Kasia's conversation
    And the agent closes Kasia's conversation and passes it back to the bot
    When Kasia writes "Dzień dobry, mam jeszcze pytanie"
    Then the contact centre shows Kasia's conversation in New
    And the bot sends Kasia a message

  @HOP-SEN-008 @HOP-CLOSE-KEEP @secondary @cap-close
  Scenario: Closed without switching the bot back on, the next message goes straight to a consultant
    Given a user "Kasia" who writes in Polish
    And Kasia has been handed over to the contact centre
    And the agent closes Kasia's conversation without passing it back to the bot
    When Kasia writes "Halo, jeszcze jedno pytanie"
    Then the contact centre receives Kasia's message on the messaging channel
    And the bot sends nothing to Kasia

  @HOP-SEN-009 @HOP-CLOSE-PASSBACK @HOP-PASS-TARGET @secondary @cap-reply @cap-close
  Scenario: After answering, the consultant closes the thread and passes it to the bot
    Given a user "Kasia" who writes in Polish
    And Kasia has been handed over to the contact centre
    When the agent replies "Zamówienie zostało wysłane." to Kasia
    And the agent closes Kasia's conversation and passes it back to the bot
    Then the contact centre sends Kasia "Zamówienie zostało wysłane."
    And the contact centre passes control of Kasia's conversation to the bot
    And every handover call of the contact centre for Kasia targets the bot

  @HOP-SEN-010 @HOP-HANDOVER-ACCEPT @secondary
  Scenario: The bot passes control to the SentiOne app id when the user asks for a consultant
    Given a user "Kasia" who writes in Polish
    And Kasia has been chatting with the bot
    When Kasia writes "Chcę rozmawiać z konsultantem"
    Then the bot passes control of Kasia's conversation to the contact centre
    And the contact centre owns Kasia's conversation
