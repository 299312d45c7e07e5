@echoes
Feature: Message echoes and labels
  Every message the page sends (by any app or the Page Inbox) comes back as an echo with is_echo
  and the sending app's id; an app must never answer its own echoes, and a contact centre shows
  the bot's words labelled "Bot" (spec §3.3, §6.9; SentiOne seed).

  @HOP-ECHO-001 @HOP-ECHO-LOOP @secondary @cap-reply
  Scenario: The contact centre does not answer the echo of its own reply
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the agent replies "Your order ships tomorrow." to Anna
    Then the contact centre sends Anna exactly 1 message
    And the contact centre acknowledges every webhook

  @HOP-ECHO-002 @HOP-ECHO-LOOP @secondary @cap-close @cap-conversation @adapter-reported
  Scenario: The echo of the closing message does not reopen the conversation
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the agent closes Anna's conversation without passing it back to the bot
    Then the contact centre shows Anna's conversation in Closed

  @HOP-ECHO-003 @HOP-LABEL-BOT @secondary @cap-conversation @adapter-reported
  Scenario: The bot's replies are labelled "Bot" and the bot flag is shown
    Given a user "Anna"
    And Anna has been chatting with the bot
    Then the contact centre shows a message labelled "Bot" in Anna's conversation
    And the contact centre shows Anna's conversation as handled by the bot

  @HOP-ECHO-004 @HOP-ROBUST-EVENTS @secondary
  Scenario: The bot's echoes are acknowledged on standby
    Given a user "Anna"
    When Anna writes "Hi there"
    Then the bot sends Anna a message
    And the contact centre receives the echo of the bot's message to Anna
    And the contact centre acknowledges every webhook

  @HOP-ECHO-005 @HOP-ECHO-LOOP @secondary
  Scenario: The contact centre's automatic greeting is sent once, not in a loop
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna writes "agent please"
    Then the contact centre owns Anna's conversation
    And the contact centre sends Anna at most 1 message

  @HOP-ECHO-006 @HOP-ECHO-LOOP @secondary @cap-close @cap-opening_hours
  Scenario: Outside opening hours, the echo of the closing message gets no automatic answer
    Given a user "João" who writes in Portuguese
    And it is outside the contact centre's opening hours
    And João has been handed over to the contact centre
    When the agent closes João's conversation without passing it back to the bot
    Then the contact centre sends João exactly 1 message
