/**
 * English message templates: plain data (Mustache strings), no logic. Written for a reader who
 * may be panicking and may already be talking to scammers: short sentences, one action per step,
 * the most urgent step first.
 *
 * Variables available to every template: `caseRef`, `provider` (name or false), `incident`
 * (a phrase for the incident type), `incidentType` (the raw code), `links.*` (configured help
 * links, or false) and the kind's own variables (see `MessageKind`). SMS templates get `true`
 * in place of every URL, so they can test for a link but never print one.
 */
import type { MessageCatalog, StepTemplate } from "../types.js";

/** SMS sender prefix; the renderer drops it when it would push the SMS past one segment. */
const FROM = "{{#provider}}{{provider}}: {{/provider}}";
const OUR_ACCOUNT = "{{#provider}}your {{provider}} account{{/provider}}{{^provider}}your wallet account{{/provider}}";

const RESET_PASSWORD: StepTemplate = {
  text: `From a device you trust, reset the password of ${OUR_ACCOUNT} and of the email address linked to it. Use a new password that you use nowhere else, and change it anywhere you reused the old one.`,
  link: { href: "passwordReset", label: "Reset your password" },
};

const APP_MFA: StepTemplate = {
  text: "Turn on two-step verification with an authenticator app or a hardware security key instead of SMS codes: text messages can be intercepted by anyone who takes over your phone number.",
  link: { href: "mfa", label: "Set up two-step verification" },
};

const REPORT: StepTemplate = {
  text: "Report what happened to the police or your national cybercrime unit. In the United States, file a complaint with the FBI's Internet Crime Complaint Center (IC3) at ic3.gov. A report number helps with exchanges, insurers and tax records.",
  link: { href: "reportFraud", label: "Report it to us as well" },
};

const EVIDENCE: StepTemplate = {
  text: "Keep the evidence: transaction hashes (transaction IDs), the wallet addresses involved, dates and times, and screenshots of messages, websites, chats and profiles that contacted you. Do not delete the conversations.",
};

const NEVER_SEND_GAS =
  "Never send gas (ETH or another network's fee token) to the compromised address to rescue what is left: attackers run a sweeper bot on such addresses that takes anything sent there within seconds.";

const RECOVERY_SCAMS = {
  callout:
    "Beware of “recovery” scams. Nobody can recover stolen crypto for a fee: not hackers, investigators, lawyers or “blockchain agencies”, whatever they promise. We will never contact you first on social media, Telegram, WhatsApp or Discord, and we will never ask you to send funds to an address we give you.",
} as const;

const SUPPORT = {
  paragraph:
    "{{#links.support}}If anything is unclear, or you still see activity you do not recognize, contact our support team and mention case {{caseRef}}.{{/links.support}}",
  link: { href: "support", label: "Contact support" },
} as const;

const CALM = {
  paragraph:
    "Anyone who rushes you, threatens you or asks for your seed phrase, private key, passwords or codes is not us. Take a breath, and follow the steps below in order.",
} as const;

const guidance: MessageCatalog["guidance"] = {
  key_compromise: {
    subject: "Protect your funds now: your recovery steps (case {{caseRef}})",
    title: "Your seed phrase or private key may be exposed",
    urgent:
      "create a new wallet on a clean device and move your remaining funds to it, and never send gas to the old address.",
    blocks: [
      {
        paragraph:
          "Whoever has your seed phrase or private key can move your funds at any moment, so speed matters for the first two steps. Do them now, calmly, in this order.",
      },
      {
        steps: [
          {
            text: "On a clean device you trust (not the one where your seed phrase or key may have leaked), create a new wallet with a new seed phrase. Write the new seed phrase on paper; never photograph it, type it into a website or store it online.",
          },
          {
            text: "Move your remaining funds from the old wallet to the new wallet at once, the most valuable first. The old seed phrase controls every account and network in that wallet, so check them all.",
          },
          {
            text: `${NEVER_SEND_GAS} If a token cannot be moved without adding gas, leave it and tell our support team.`,
          },
          {
            text: "Revoke the token approvals (spending permissions) the old address granted, using the token-approval checker of the network's block explorer (for example, Etherscan's Token Approvals page) or a well-known revoke tool whose address you type yourself. Revoking costs gas, so skip this on the old address if a sweeper bot is draining it.",
          },
          {
            text: "Never type your old seed phrase anywhere again: not into a website, an app, a form or a “wallet validation” tool. Never share it with anyone, including people who say they work for us. Treat the old wallet as permanently unsafe.",
          },
          RESET_PASSWORD,
          APP_MFA,
          REPORT,
          EVIDENCE,
        ],
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Case {{caseRef}}: move funds now to a new wallet on a clean device. Send no gas to the old one.`,
  },
  sim_swap: {
    subject: "Get your phone number back: your recovery steps (case {{caseRef}})",
    title: "Your phone number may have been taken over",
    urgent: "call your mobile carrier from another phone to get your number back and set a port-out PIN.",
    blocks: [
      {
        paragraph:
          "In a SIM swap, someone moves your phone number to their SIM card to receive your text-message codes. Getting the number back comes first.",
      },
      {
        steps: [
          {
            text: "From another phone (a family member's, a friend's or a landline), call your mobile carrier. Tell them your number was taken over by a SIM swap or port-out and ask them to return it to your SIM card.",
          },
          {
            text: "Ask the carrier to set a port-out PIN (also called a number lock or port freeze), so your number cannot be moved or reissued without it. Ask for a written record of the unauthorized change.",
          },
          {
            text: `Move two-step verification off SMS: use an authenticator app or a hardware security key instead of SMS codes for your email, ${OUR_ACCOUNT} and any exchange. Remove your phone number as a recovery option wherever you can.`,
            link: { href: "mfa", label: "Set up two-step verification" },
          },
          {
            text: `Reset your email password first (the attacker may have used your number to reset it), then the password of ${OUR_ACCOUNT}, and sign out all other sessions. Check your email for forwarding rules or recovery addresses you did not add.`,
            link: { href: "passwordReset", label: "Reset your password" },
          },
          REPORT,
          EVIDENCE,
        ],
      },
      {
        paragraph:
          "For this case we will contact you by email. Do not act on any text message or call about it that asks for codes, passwords or your seed phrase.",
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Case {{caseRef}}: call your carrier from another phone, regain your number, set a port-out PIN.`,
  },
  malware: {
    subject: "Clean your device first: your recovery steps (case {{caseRef}})",
    title: "Your device may be infected",
    urgent: "stop using the affected device for your wallet and accounts until it is cleaned or replaced.",
    blocks: [
      CALM,
      {
        steps: [
          {
            text: "Before anything else, stop using the infected device for your wallet, email or banking, and clean or replace it. Do not change passwords or move funds from it: keyloggers and remote-access tools capture everything you type, including new passwords. The safest cleaning is a factory reset or a fresh install of the operating system, without restoring apps or files from a backup that may be infected.",
          },
          {
            text: "If someone asked you to install a remote-access app (such as AnyDesk or TeamViewer) or a browser extension, that was part of the attack: never let them connect again.",
          },
          {
            text: "Do every step below from a clean device: the cleaned one, or another device you trust. If you have one, use it now rather than waiting.",
          },
          RESET_PASSWORD,
          {
            text: "If your seed phrase or private key was ever on the infected device (typed, copied, saved in a file or photo, or kept in a browser-extension wallet), treat it as stolen: create a new wallet with a new seed phrase on the clean device and move your funds there at once. Never send gas to the old address: a sweeper bot may be watching it.",
          },
          APP_MFA,
          REPORT,
          EVIDENCE,
        ],
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Case {{caseRef}}: stop using the infected device. Clean or replace it before anything else.`,
  },
  phishing: {
    subject: "What to do after a phishing attempt (case {{caseRef}})",
    title: "You may have met a phishing site or message",
    urgent:
      "do not enter anything more on that site. If you typed your seed phrase there, move your funds to a new wallet at once.",
    blocks: [
      CALM,
      {
        steps: [
          {
            text: "Stop using the fake site or message: close it, do not reply and do not follow its links. Reach us only through our official app or an address you type yourself.",
          },
          {
            text: `If you entered your password or a login code there, reset the password of ${OUR_ACCOUNT} now, then sign out all other sessions and devices.`,
            link: { href: "passwordReset", label: "Reset your password" },
          },
          {
            text: "If you entered your seed phrase or private key, treat it as stolen, exactly like a key compromise: create a new wallet with a new seed phrase on a clean device and move your funds there at once. Never send gas to the old address: a sweeper bot may be watching it.",
          },
          {
            text: "If you connected your wallet and signed or approved something, revoke those token approvals with the token-approval checker of the network's block explorer.",
          },
          APP_MFA,
          {
            text: "Report the phishing site so it gets blocked for others: report it to Google Safe Browsing (safebrowsing.google.com) and to the company that hosts it, and forward the message to us.",
            link: { href: "reportFraud", label: "Report the phishing site to us" },
          },
          {
            text: "If you lost funds, report it to the police or your national cybercrime unit (in the United States, IC3 at ic3.gov).",
          },
          EVIDENCE,
        ],
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Case {{caseRef}}: reset your password. Typed your seed phrase? Move funds to a new wallet now.`,
  },
  unauthorized_access: {
    subject: "Secure your account: your recovery steps (case {{caseRef}})",
    title: "Someone may have accessed your account",
    urgent: "reset your password from a device you trust and sign out all other sessions.",
    blocks: [
      CALM,
      {
        steps: [
          RESET_PASSWORD,
          {
            text: "Sign out all other sessions, remove devices you do not recognize, and delete API keys you did not create. If you are unsure, delete them all and create new ones later.",
          },
          {
            text: "Review your saved withdrawal addresses and the address allowlist (whitelist): remove any address you do not recognize, and keep the allowlist on so funds can only go to addresses you approved.",
          },
          {
            text: "Turn on two-step verification with an authenticator app or a hardware security key instead of SMS codes, and check that nobody added their own authenticator or changed your recovery email or phone number.",
            link: { href: "mfa", label: "Set up two-step verification" },
          },
          {
            text: "Look through recent activity (sign-ins, withdrawals, settings changes) and note anything you do not recognize for our team.",
          },
          REPORT,
          EVIDENCE,
        ],
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Case {{caseRef}}: reset your password, sign out all sessions, check your withdrawal addresses.`,
  },
  other: {
    subject: "Security steps for your account (case {{caseRef}})",
    title: "Steps to keep your account safe",
    urgent: "do not share codes, passwords or your seed phrase with anyone who contacts you.",
    blocks: [
      CALM,
      {
        steps: [
          RESET_PASSWORD,
          APP_MFA,
          {
            text: "Review recent activity, signed-in devices and saved withdrawal addresses, and remove anything you do not recognize.",
          },
          {
            text: "Keep your seed phrase and private keys offline and to yourself. Anyone who asks for them, by phone, chat or on a website, is trying to steal your funds.",
          },
          REPORT,
          EVIDENCE,
        ],
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Case {{caseRef}}: reset your password and use an authenticator app, not SMS codes.`,
  },
};

/** The English catalogue. */
export const en: MessageCatalog = {
  locale: "en",
  antiPhishing: "We will never ask for your seed phrase or private key.",
  smsAntiPhishing: "We never ask for your seed phrase.",
  caseLabel: "Case reference",
  signOff: "{{#provider}}The {{provider}} team{{/provider}}{{^provider}}The security team{{/provider}}",
  buttonFallback: "If the button does not work, copy this address into your browser:",
  incidentTypes: {
    phishing: "phishing",
    malware: "malware",
    unauthorized_access: "unauthorized access",
    sim_swap: "a SIM swap",
    key_compromise: "an exposed seed phrase or private key",
    other: "a security concern",
  },
  lockScopes: {
    login: "signing in",
    withdrawals: "withdrawals",
    new_addresses: "adding new withdrawal addresses",
    security_settings: "changes to security settings",
  },
  statuses: {
    open: "open",
    awaiting_verification: "waiting for your confirmation",
    verified: "identity confirmed",
    acknowledged: "an agent is working on it",
    in_progress: "in progress",
    escalated: "escalated to a senior agent",
    reopened: "reopened",
    resolved: "resolved",
    closed: "closed",
  },
  clocks: {
    containment: "containment",
    firstResponse: "first response",
    resolution: "resolution",
  },
  messages: {
    acknowledgement: {
      subject: "We received your report (case {{caseRef}})",
      title: "We received your report",
      blocks: [
        {
          paragraph:
            "Thank you for telling us. We opened case {{caseRef}} for your report about {{incident}}, and our security team is on it.",
        },
        {
          paragraph:
            "{{#lockRequested}}As a precaution, we have asked for a temporary lock on your account{{#scopes}} ({{scopes}}){{/scopes}}. It is reversible, and it will be lifted once your account is safe.{{/lockRequested}}",
        },
        {
          callout:
            "{{#seedPhraseRedacted}}Your report contained what looks like a seed phrase. We removed it before storing anything, but it has been typed and sent, so treat it as burnt: create a new wallet with a new seed phrase on a clean device and move your funds to it at once.{{/seedPhraseRedacted}}",
        },
        {
          paragraph:
            "Next, we will email you a link to confirm that this report came from you{{#smsCodeSent}}, and text you a code to enter on that page{{/smsCodeSent}}. Please confirm within 24 hours: if we cannot confirm it by then, we will close the case, and you can reopen it.",
        },
        { callout: "Most urgent right now: {{urgent}} Step-by-step recovery guidance follows in a separate email." },
      ],
      sms: `${FROM}Report received, case {{caseRef}}.{{#lockRequested}} We asked to lock your account for safety.{{/lockRequested}} Next steps by email.`,
    },
    verification_request: {
      subject: "Confirm your report (case {{caseRef}})",
      title: "Please confirm it is you",
      blocks: [
        {
          paragraph:
            "To go on with case {{caseRef}}, we need to confirm that the report came from you. Any protective step we have already taken stays in place meanwhile.",
        },
        { button: { href: "verifyUrl", label: "Open the confirmation page" } },
        {
          paragraph:
            "{{#smsCodeSent}}On that page, enter the code we sent to your phone by text message, then choose “Confirm”.{{/smsCodeSent}}{{^smsCodeSent}}On that page, choose “Confirm”.{{/smsCodeSent}} If you did not make this report, choose “This wasn't me” instead.",
        },
        {
          paragraph: "You can also confirm your email address by replying to this email with YES on the first line.",
        },
        {
          paragraph:
            "Opening the link changes nothing by itself; only the buttons on the page do. The link works once{{#expiresMinutes}} and expires in {{expiresMinutes}} minutes{{/expiresMinutes}}.",
        },
      ],
      sms: `${FROM}To confirm your report (case {{caseRef}}), open the link in the email we just sent you.`,
    },
    verification_code: {
      subject: "Your verification code was sent by text message (case {{caseRef}})",
      title: "Check your phone",
      blocks: [
        {
          paragraph:
            "We sent a verification code for case {{caseRef}} to your phone by text message.{{#expiresMinutes}} It expires in {{expiresMinutes}} minutes.{{/expiresMinutes}} For your safety we never send the code by email.",
        },
        {
          paragraph:
            "Enter it only on the confirmation page linked in our email, and never share it with anyone, even someone who says they work for us.",
        },
      ],
      sms: `${FROM}{{code}} is your code for case {{caseRef}}.{{#expiresMinutes}} Valid {{expiresMinutes}} min.{{/expiresMinutes}} Never share it.`,
    },
    lock_requested: {
      subject: "We asked to lock your account (case {{caseRef}})",
      title: "Protective lock requested",
      blocks: [
        {
          paragraph:
            "To protect your funds while we look into case {{caseRef}}, we have requested a temporary lock on your account.{{#scopes}} It covers {{scopes}}.{{/scopes}}",
        },
        {
          paragraph:
            "The lock is a safety measure, not a penalty, and it is reversible: once your identity is confirmed and your account is safe, it can be lifted. We will tell you as soon as it is in place.",
        },
      ],
      sms: `${FROM}To protect you, we asked to lock your account for now (case {{caseRef}}). It is reversible.`,
    },
    lock_applied: {
      subject: "Your account is temporarily locked (case {{caseRef}})",
      title: "Your account is locked for your protection",
      blocks: [
        {
          paragraph:
            "The temporary lock on your account is now in place.{{#scopes}} It covers {{scopes}}.{{/scopes}} While it lasts, these actions are blocked for everyone, including anyone who has your password.",
        },
        {
          paragraph:
            "To lift it, we will confirm your identity again, and for your safety there is a waiting period of up to 24 hours after the lock. We will tell you on every channel when it is lifted.",
        },
      ],
      sms: `${FROM}Your account is now temporarily locked for your protection (case {{caseRef}}).`,
    },
    unlock_requested: {
      subject: "Your account is being unlocked (case {{caseRef}})",
      title: "The lock on your account is being lifted",
      blocks: [
        {
          paragraph:
            "The temporary lock on your account is being lifted (case {{caseRef}}).{{#scopes}} It covered {{scopes}}.{{/scopes}}",
        },
        {
          callout:
            "If you did not ask for this, contact us right away, and do not confirm any request you did not start.",
          link: { href: "support", label: "Contact support" },
        },
        {
          paragraph:
            "Before you use your account again, make sure you have followed the recovery steps we sent you, including two-step verification with an authenticator app or a security key.",
        },
      ],
      sms: `${FROM}The lock on your account is being lifted (case {{caseRef}}). Not you? Contact support now.`,
    },
    status_changed: {
      subject: "Update on your case {{caseRef}}",
      title: "Your case has been updated",
      blocks: [
        { paragraph: "There is an update on case {{caseRef}}.{{#status}} Status: {{status}}.{{/status}}" },
        {
          paragraph: "You do not need to do anything unless we ask you to. We will write again when there is news.",
        },
        SUPPORT,
      ],
      sms: `${FROM}Update on case {{caseRef}}{{#status}}: {{status}}{{/status}}. Details by email.`,
    },
    denial_recorded: {
      subject: "We recorded that this was not you (case {{caseRef}})",
      title: "Thank you for telling us",
      blocks: [
        {
          paragraph:
            "You told us that you did not make the report in case {{caseRef}}. We have recorded it, and a member of our security team will contact you.",
        },
        {
          paragraph:
            "Someone may be trying to get into your account. Until we contact you, do not share codes, passwords or your seed phrase with anyone, and do not confirm requests you did not start.",
        },
        SUPPORT,
      ],
      sms: `${FROM}We recorded that case {{caseRef}} was not you. An agent will contact you. Share no codes.`,
    },
    resolved: {
      subject: "Your case {{caseRef}} is resolved",
      title: "Your case is resolved",
      blocks: [
        { paragraph: "We have resolved case {{caseRef}}. Thank you for your patience." },
        {
          paragraph:
            "{{#stillLocked}}Your account is still locked for your protection. To lift the lock, contact our support team: after you confirm your identity again (the link we email you and a code, or an identity check by our team), a supervisor unlocks it.{{/stillLocked}}{{^stillLocked}}Your account is not locked.{{/stillLocked}}",
        },
        {
          paragraph:
            "Keep two-step verification on with an authenticator app or a security key, and ignore anyone offering to “recover” funds: those offers are scams.",
        },
        {
          paragraph:
            "{{#reopenUrl}}If the problem is not solved or comes back, you can reopen the case.{{/reopenUrl}}{{^reopenUrl}}If the problem is not solved or comes back, contact our support team and mention case {{caseRef}}.{{/reopenUrl}}",
        },
        { button: { href: "reopenUrl", label: "Reopen my case" } },
      ],
      sms: `${FROM}Case {{caseRef}} is resolved. Not solved? {{#reopenUrl}}Reopen it from our email.{{/reopenUrl}}{{^reopenUrl}}Contact support.{{/reopenUrl}}`,
    },
    closed: {
      subject: "Your case {{caseRef}} is closed",
      title: "Your case is closed",
      blocks: [
        { paragraph: "We have closed case {{caseRef}}." },
        {
          paragraph:
            "{{#reopenUrl}}If you still need help with it, you can reopen the case.{{/reopenUrl}}{{^reopenUrl}}If you still need help with it, contact our support team and mention case {{caseRef}}.{{/reopenUrl}}",
        },
        { button: { href: "reopenUrl", label: "Reopen my case" } },
      ],
      sms: `${FROM}Case {{caseRef}} is closed. Need more help? {{#reopenUrl}}Reopen it from our email.{{/reopenUrl}}{{^reopenUrl}}Contact support.{{/reopenUrl}}`,
    },
    unverified_closed: {
      subject: "We closed your case {{caseRef}}: we could not confirm it was you",
      title: "We closed your case",
      blocks: [
        {
          paragraph:
            "We closed case {{caseRef}} because we could not confirm within 24 hours that the report came from you. If you did not make the report, you do not need to do anything.",
        },
        {
          paragraph:
            "{{#reopenUrl}}If you made the report and still need help, you can reopen the case.{{/reopenUrl}}{{^reopenUrl}}If you made the report and still need help, contact our support team and mention case {{caseRef}}.{{/reopenUrl}}",
        },
        { button: { href: "reopenUrl", label: "Reopen my case" } },
      ],
      sms: `${FROM}We closed case {{caseRef}}: we could not confirm it was you in 24 h. {{#reopenUrl}}See our email to reopen.{{/reopenUrl}}{{^reopenUrl}}Need help? Contact support.{{/reopenUrl}}`,
    },
    agent_message: {
      subject: "A message from our security team (case {{caseRef}})",
      title: "A message about your case",
      blocks: [
        { paragraph: "A member of our security team working on case {{caseRef}} wrote to you:" },
        { agentMessage: true },
        {
          paragraph:
            "This message came from us only if it arrived at the email address you gave in your report and mentions case {{caseRef}}. We will never ask you to send funds, or for your seed phrase, private key, passwords or codes.",
        },
        SUPPORT,
      ],
      sms: `${FROM}We emailed you a message about case {{caseRef}}. Please read it in your email.`,
    },
    oncall_escalation: {
      subject:
        "{{#priority}}[{{priority}}] {{/priority}}{{#event.warning}}SLA warning{{#clock}}, {{clock}} due soon{{/clock}}{{/event.warning}}{{#event.breach}}SLA breached{{#clock}}, {{clock}}{{/clock}}{{/event.breach}}{{#event.repeat}}Still breached (repeat page){{#clock}}, {{clock}}{{/clock}}{{/event.repeat}}{{#event.escalation}}Escalation{{/event.escalation}}: case {{caseRef}} ({{incidentType}})",
      title:
        "{{#event.warning}}A case nears its SLA target{{/event.warning}}{{#event.breach}}A case breached its SLA target{{/event.breach}}{{#event.repeat}}A case is still breached and unacknowledged{{/event.repeat}}{{#event.escalation}}A case needs an agent{{/event.escalation}}",
      blocks: [
        { paragraph: "Case {{caseRef}} needs attention.{{#reason}} Reason: {{reason}}.{{/reason}}" },
        {
          paragraph:
            "Incident type: {{incidentType}}.{{#priority}} Priority: {{priority}}.{{/priority}}{{#clock}} SLA clock: {{clock}}.{{/clock}}",
        },
        { button: { href: "caseUrl", label: "Open the case in the console" } },
        { paragraph: "Acknowledge the case to stop further escalations." },
      ],
      sms: "Vigil {{#priority}}{{priority}} {{/priority}}{{#event.warning}}SLA warning{{/event.warning}}{{#event.breach}}SLA breach{{/event.breach}}{{#event.repeat}}repeat page{{/event.repeat}}{{#event.escalation}}escalation{{/event.escalation}}, case {{caseRef}} ({{incidentType}}){{#reason}}: {{reason}}{{/reason}}. Please ack.",
    },
  },
  guidance,
  verifyPage: {
    confirmTitle: "Confirm your report",
    intro:
      "We received a security report about your account. To go on with it, please confirm that it came from you. Any protective step we have already taken stays in place meanwhile.",
    reported: "You reported {{incident}}. We wrote to {{email}}.",
    codeLabel: "Code from the text message",
    codeHint: "Enter the {{digits}}-digit code we sent to your phone. It expires 10 minutes after it was sent.",
    confirm: "Confirm",
    deny: "This wasn't me",
    denyHint:
      "If you did not make this report, choose “This wasn't me”. We will record it and our security team will contact you.",
    resendHint: "No code, or it expired?",
    resend: "Send a new code",
    reopenTitle: "Reopen your case",
    reopenIntro: "Case {{caseRef}} is closed. If you still need help, you can reopen it.",
    reopen: "Reopen my case",
    codeRejected:
      "That code was not accepted. Check the text message and try again ({{attemptsLeft}} {{#one}}attempt{{/one}}{{^one}}attempts{{/one}} left).",
    codeUsedUp: "That code was not accepted and can no longer be used. Ask for a new code below.",
    codeExpired: "This code has expired or can no longer be used. Ask for a new code below.",
    locked: "Too many failed attempts. For your safety, please wait {{wait}} before trying again.",
    waitSeconds: "{{n}} seconds",
    waitMinutes: "{{n}} minutes",
    results: {
      verified: {
        title: "Thank you, you are verified",
        body: "We confirmed that the report in case {{caseRef}} came from you. Our security team is on it: follow the recovery steps in our emails, and we will write again when there is news.",
      },
      email_verified: {
        title: "Your email address is confirmed",
        body: "Thank you. Before we continue with case {{caseRef}}, a member of our security team will contact you to confirm your identity.",
      },
      denied: {
        title: "Thank you for telling us",
        body: "We recorded that you did not make the report in case {{caseRef}}. A member of our security team will contact you.",
      },
      reopened: {
        title: "Your case is open again",
        body: "We reopened case {{caseRef}} and will email you the next steps.",
      },
    },
    resendTitle: "Request received",
    resendBody: "If this link is still valid and your case uses text messages, we have sent a new code to your phone.",
    back: "Back to the confirmation page",
    rateLimitedTitle: "Please wait before asking for another code",
    rateLimitedBody: "We have already sent several codes. You can ask for a new one in about {{wait}}.",
    errorLabel: "Problem",
    invalidTitle: "This link is no longer valid",
    invalidBody:
      "The link may have expired, been used already, or been cut short. Use the link in our most recent email, or contact the {{brand}} support team.",
    contactSupport: "Contact {{brand}} support",
  },
};
