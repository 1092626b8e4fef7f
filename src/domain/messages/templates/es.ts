/**
 * Plantillas en español: datos (cadenas Mustache), sin lógica. Español neutro, tuteo, frases
 * cortas y un paso por acción, lo más urgente primero. Las mismas variables que `en.ts`.
 * Los SMS se pliegan a GSM-7 al renderizar (á → a), así que aquí se escriben con tildes.
 */
import type { MessageCatalog, StepTemplate } from "../types.js";

const FROM = "{{#provider}}{{provider}}: {{/provider}}";
const OUR_ACCOUNT =
  "{{#provider}}tu cuenta de {{provider}}{{/provider}}{{^provider}}tu cuenta de la billetera{{/provider}}";

const RESET_PASSWORD: StepTemplate = {
  text: `Desde un dispositivo de confianza, cambia la contraseña de ${OUR_ACCOUNT} y la del correo electrónico asociado. Usa una contraseña nueva que no uses en ningún otro sitio, y cámbiala también donde hayas repetido la anterior.`,
  link: { href: "passwordReset", label: "Cambiar tu contraseña" },
};

const APP_MFA: StepTemplate = {
  text: "Activa la verificación en dos pasos con una app de autenticación o una llave de seguridad física en lugar de códigos por SMS: quien se quede con tu número de teléfono puede recibir tus SMS.",
  link: { href: "mfa", label: "Configurar la verificación en dos pasos" },
};

const REPORT: StepTemplate = {
  text: "Denuncia lo ocurrido ante la policía o la unidad nacional de delitos informáticos de tu país. En Estados Unidos, presenta una denuncia ante el IC3 del FBI en ic3.gov. El número de denuncia te servirá ante exchanges, aseguradoras y en tu declaración de impuestos.",
  link: { href: "reportFraud", label: "Repórtalo también a nosotros" },
};

const EVIDENCE: StepTemplate = {
  text: "Guarda las pruebas: los hash de las transacciones (ID de transacción), las direcciones de billetera implicadas, fechas y horas, y capturas de pantalla de los mensajes, sitios web, chats y perfiles que te contactaron. No borres las conversaciones.",
};

const NEVER_SEND_GAS =
  "Nunca envíes gas (ETH o el token de comisiones de otra red) a la dirección comprometida para rescatar lo que quede: los atacantes vigilan esas direcciones con un bot barredor (sweeper bot) que se lleva en segundos todo lo que llega.";

const RECOVERY_SCAMS = {
  callout:
    "Cuidado con las estafas de «recuperación». Nadie puede recuperar criptomonedas robadas a cambio de una comisión: ni hackers, ni investigadores, ni abogados, ni «agencias blockchain», prometan lo que prometan. Nunca te contactaremos primero por redes sociales, Telegram, WhatsApp o Discord, y nunca te pediremos que envíes fondos a una dirección que te demos.",
} as const;

const SUPPORT = {
  paragraph:
    "{{#links.support}}Si algo no está claro, o sigues viendo actividad que no reconoces, contacta con nuestro equipo de soporte e indica el caso {{caseRef}}.{{/links.support}}",
  link: { href: "support", label: "Contactar con soporte" },
} as const;

const CALM = {
  paragraph:
    "Quien te meta prisa, te amenace o te pida tu frase semilla, tu clave privada, contraseñas o códigos no somos nosotros. Respira hondo y sigue estos pasos en orden.",
} as const;

const guidance: MessageCatalog["guidance"] = {
  key_compromise: {
    subject: "Protege tus fondos ya: pasos de recuperación (caso {{caseRef}})",
    title: "Tu frase semilla o tu clave privada pueden estar expuestas",
    urgent:
      "crea una nueva billetera en un dispositivo limpio, mueve allí tus fondos y nunca envíes gas a la dirección antigua.",
    blocks: [
      {
        paragraph:
          "Quien tenga tu frase semilla o tu clave privada puede mover tus fondos en cualquier momento, así que los dos primeros pasos son urgentes. Hazlos ahora, con calma y en este orden.",
      },
      {
        steps: [
          {
            text: "En un dispositivo limpio y de confianza (no en el que pudo filtrarse la frase o la clave), crea una nueva billetera con una nueva frase semilla. Escribe la nueva frase en papel; nunca le hagas fotos, no la escribas en ningún sitio web y no la guardes en internet.",
          },
          {
            text: "Mueve de inmediato los fondos que queden en la billetera antigua a la nueva billetera, empezando por los de más valor. La frase antigua controla todas las cuentas y redes de esa billetera: revísalas todas.",
          },
          {
            text: `${NEVER_SEND_GAS} Si un token no se puede mover sin añadir gas, déjalo y avisa a nuestro equipo de soporte.`,
          },
          {
            text: "Revoca las aprobaciones de tokens (permisos de gasto) que concedió la dirección antigua con el verificador de aprobaciones del explorador de bloques de la red (por ejemplo, la página Token Approvals de Etherscan) o con una herramienta de revocación conocida cuya dirección escribas tú mismo. Revocar cuesta gas: si un bot barredor está vaciando la dirección antigua, omite este paso en ella.",
          },
          {
            text: "Nunca vuelvas a escribir tu frase semilla antigua en ningún sitio: ni en webs, ni en apps, ni en formularios, ni en herramientas de «validación de billetera». No se la des a nadie, tampoco a quien diga trabajar para nosotros. Considera la billetera antigua insegura para siempre.",
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
    sms: `${FROM}Caso {{caseRef}}: mueve ya tus fondos a una billetera nueva en un equipo limpio. No envíes gas a la vieja.`,
  },
  sim_swap: {
    subject: "Recupera tu número de teléfono: pasos de recuperación (caso {{caseRef}})",
    title: "Alguien puede haberse quedado con tu número de teléfono",
    urgent:
      "llama a tu operador de telefonía desde otro teléfono para recuperar tu número y pide un PIN de portabilidad.",
    blocks: [
      {
        paragraph:
          "En un robo de SIM (SIM swap), alguien pasa tu número a su tarjeta SIM para recibir tus códigos por SMS. Lo primero es recuperar el número.",
      },
      {
        steps: [
          {
            text: "Desde otro teléfono (de un familiar, de un amigo o un fijo), llama a tu operador de telefonía. Explica que te han robado el número con un cambio de SIM o una portabilidad no autorizada y pide que lo devuelvan a tu tarjeta SIM.",
          },
          {
            text: "Pide al operador un PIN de portabilidad (también llamado bloqueo de número o de portabilidad), para que nadie pueda mover ni duplicar tu número sin él. Pide también un justificante por escrito del cambio no autorizado.",
          },
          {
            text: `Deja de usar SMS para la verificación en dos pasos: usa una app de autenticación o una llave de seguridad física en lugar de códigos por SMS para tu correo, ${OUR_ACCOUNT} y cualquier exchange. Quita tu número de teléfono como método de recuperación donde puedas.`,
            link: { href: "mfa", label: "Configurar la verificación en dos pasos" },
          },
          {
            text: `Cambia primero la contraseña de tu correo (el atacante pudo usar tu número para restablecerla), después la de ${OUR_ACCOUNT}, y cierra todas las demás sesiones. Revisa si en tu correo hay reglas de reenvío o direcciones de recuperación que no añadiste tú.`,
            link: { href: "passwordReset", label: "Cambiar tu contraseña" },
          },
          REPORT,
          EVIDENCE,
        ],
      },
      {
        paragraph:
          "Sobre este caso te escribiremos por correo electrónico. No hagas caso de ningún SMS ni llamada sobre él que te pida códigos, contraseñas o tu frase semilla.",
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Caso {{caseRef}}: desde otro teléfono, pide a tu operador recuperar tu número y un PIN de portabilidad.`,
  },
  malware: {
    subject: "Primero limpia tu dispositivo: pasos de recuperación (caso {{caseRef}})",
    title: "Tu dispositivo puede estar infectado",
    urgent: "deja de usar el dispositivo afectado para tu billetera y tus cuentas hasta limpiarlo o sustituirlo.",
    blocks: [
      CALM,
      {
        steps: [
          {
            text: "Antes que nada, deja de usar el dispositivo infectado para tu billetera, tu correo o tu banco, y límpialo o sustitúyelo. No cambies contraseñas ni muevas fondos desde él: los keyloggers y las herramientas de acceso remoto capturan todo lo que escribes, también las contraseñas nuevas. La limpieza más segura es restablecerlo de fábrica o reinstalar el sistema operativo, sin restaurar apps ni archivos de una copia de seguridad que pueda estar infectada.",
          },
          {
            text: "Si alguien te pidió instalar una app de acceso remoto (como AnyDesk o TeamViewer) o una extensión del navegador, eso era parte del ataque: no dejes que vuelva a conectarse.",
          },
          {
            text: "Haz todos los pasos siguientes desde un dispositivo limpio: el que ya limpiaste u otro de confianza. Si tienes uno, úsalo ya en lugar de esperar.",
          },
          RESET_PASSWORD,
          {
            text: "Si tu frase semilla o tu clave privada estuvieron alguna vez en el dispositivo infectado (escritas, copiadas, guardadas en un archivo o una foto, o en una billetera de extensión del navegador), considéralas robadas: crea una nueva billetera con una nueva frase semilla en el dispositivo limpio y mueve allí tus fondos de inmediato. Nunca envíes gas a la dirección antigua: puede vigilarla un bot barredor (sweeper bot).",
          },
          APP_MFA,
          REPORT,
          EVIDENCE,
        ],
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Caso {{caseRef}}: deja de usar el equipo infectado. Límpialo o cámbialo antes que nada.`,
  },
  phishing: {
    subject: "Qué hacer tras un intento de phishing (caso {{caseRef}})",
    title: "Puede que hayas caído en un sitio o mensaje de phishing",
    urgent:
      "no escribas nada más en ese sitio. Si pusiste allí tu frase semilla, mueve tus fondos a una nueva billetera de inmediato.",
    blocks: [
      CALM,
      {
        steps: [
          {
            text: "Deja de usar el sitio o mensaje falso: ciérralo, no respondas y no sigas sus enlaces. Contacta con nosotros solo desde nuestra app oficial o escribiendo tú mismo nuestra dirección.",
          },
          {
            text: `Si escribiste allí tu contraseña o un código de acceso, cambia ya la contraseña de ${OUR_ACCOUNT} y cierra todas las demás sesiones y dispositivos.`,
            link: { href: "passwordReset", label: "Cambiar tu contraseña" },
          },
          {
            text: "Si escribiste tu frase semilla o tu clave privada, considéralas robadas, igual que si te robaran la clave: crea una nueva billetera con una nueva frase semilla en un dispositivo limpio y mueve allí tus fondos de inmediato. Nunca envíes gas a la dirección antigua: puede vigilarla un bot barredor (sweeper bot).",
          },
          {
            text: "Si conectaste tu billetera y firmaste o aprobaste algo, revoca esas aprobaciones de tokens con el verificador de aprobaciones del explorador de bloques de la red.",
          },
          APP_MFA,
          {
            text: "Denuncia el sitio de phishing para que lo bloqueen para otros: repórtalo a Google Safe Browsing (safebrowsing.google.com) y a la empresa que lo aloja, y reenvíanos el mensaje.",
            link: { href: "reportFraud", label: "Reportarnos el sitio de phishing" },
          },
          {
            text: "Si perdiste fondos, denúncialo ante la policía o la unidad nacional de delitos informáticos (en Estados Unidos, el IC3 en ic3.gov).",
          },
          EVIDENCE,
        ],
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Caso {{caseRef}}: cambia tu contraseña. ¿Diste tu frase semilla? Mueve tus fondos a una billetera nueva.`,
  },
  unauthorized_access: {
    subject: "Protege tu cuenta: pasos de recuperación (caso {{caseRef}})",
    title: "Alguien puede haber accedido a tu cuenta",
    urgent: "cambia tu contraseña desde un dispositivo de confianza y cierra todas las demás sesiones.",
    blocks: [
      CALM,
      {
        steps: [
          RESET_PASSWORD,
          {
            text: "Cierra todas las demás sesiones, elimina los dispositivos que no reconozcas y borra las claves API que no creaste tú. Si dudas, bórralas todas y crea otras nuevas más adelante.",
          },
          {
            text: "Revisa tus direcciones de retiro guardadas y la lista de direcciones permitidas (whitelist): elimina cualquier dirección que no reconozcas y mantén la lista activada para que los fondos solo puedan ir a direcciones que aprobaste.",
          },
          {
            text: "Activa la verificación en dos pasos con una app de autenticación o una llave de seguridad física en lugar de códigos por SMS, y comprueba que nadie añadió su propio autenticador ni cambió tu correo o teléfono de recuperación.",
            link: { href: "mfa", label: "Configurar la verificación en dos pasos" },
          },
          {
            text: "Revisa la actividad reciente (inicios de sesión, retiros, cambios de configuración) y anota lo que no reconozcas para nuestro equipo.",
          },
          REPORT,
          EVIDENCE,
        ],
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Caso {{caseRef}}: cambia tu contraseña, cierra todas las sesiones y revisa tus direcciones de retiro.`,
  },
  other: {
    subject: "Pasos de seguridad para tu cuenta (caso {{caseRef}})",
    title: "Pasos para mantener tu cuenta segura",
    urgent: "no compartas códigos, contraseñas ni tu frase semilla con nadie que te contacte.",
    blocks: [
      CALM,
      {
        steps: [
          RESET_PASSWORD,
          APP_MFA,
          {
            text: "Revisa la actividad reciente, los dispositivos con sesión iniciada y las direcciones de retiro guardadas, y elimina lo que no reconozcas.",
          },
          {
            text: "Guarda tu frase semilla y tus claves privadas fuera de línea y solo para ti. Quien te las pida, por teléfono, por chat o en un sitio web, intenta robar tus fondos.",
          },
          REPORT,
          EVIDENCE,
        ],
      },
      RECOVERY_SCAMS,
      SUPPORT,
    ],
    sms: `${FROM}Caso {{caseRef}}: cambia tu contraseña y usa una app de autenticación, no códigos por SMS.`,
  },
};

/** El catálogo en español. */
export const es: MessageCatalog = {
  locale: "es",
  antiPhishing: "Nunca te pediremos tu frase semilla ni tu clave privada.",
  smsAntiPhishing: "Nunca te pediremos tu frase semilla.",
  caseLabel: "Referencia del caso",
  signOff: "{{#provider}}El equipo de {{provider}}{{/provider}}{{^provider}}El equipo de seguridad{{/provider}}",
  buttonFallback: "Si el botón no funciona, copia esta dirección en tu navegador:",
  incidentTypes: {
    phishing: "un caso de phishing",
    malware: "malware",
    unauthorized_access: "un acceso no autorizado",
    sim_swap: "un robo de tu número de teléfono (SIM swap)",
    key_compromise: "una frase semilla o clave privada expuesta",
    other: "un problema de seguridad",
  },
  lockScopes: {
    login: "el inicio de sesión",
    withdrawals: "los retiros",
    new_addresses: "añadir nuevas direcciones de retiro",
    security_settings: "los cambios en la configuración de seguridad",
  },
  statuses: {
    open: "abierto",
    awaiting_verification: "a la espera de tu confirmación",
    verified: "identidad confirmada",
    acknowledged: "un agente se está ocupando",
    in_progress: "en curso",
    escalated: "escalado a un agente sénior",
    reopened: "reabierto",
    resolved: "resuelto",
    closed: "cerrado",
  },
  clocks: {
    containment: "contención",
    firstResponse: "primera respuesta",
    resolution: "resolución",
  },
  messages: {
    acknowledgement: {
      subject: "Hemos recibido tu reporte (caso {{caseRef}})",
      title: "Hemos recibido tu reporte",
      blocks: [
        {
          paragraph:
            "Gracias por avisarnos. Abrimos el caso {{caseRef}} por tu reporte sobre {{incident}}, y nuestro equipo de seguridad ya se está ocupando.",
        },
        {
          paragraph:
            "{{#lockRequested}}Como precaución, hemos pedido un bloqueo temporal de tu cuenta{{#scopes}} ({{scopes}}){{/scopes}}. Es reversible y se levantará cuando tu cuenta esté segura.{{/lockRequested}}",
        },
        {
          callout:
            "{{#seedPhraseRedacted}}Tu reporte contenía lo que parece una frase semilla. La eliminamos antes de guardar nada, pero ya se escribió y se envió, así que considérala quemada: crea una billetera nueva con una frase semilla nueva en un dispositivo limpio y mueve tus fondos a ella de inmediato.{{/seedPhraseRedacted}}",
        },
        {
          paragraph:
            "A continuación te enviaremos por correo un enlace para confirmar que el reporte es tuyo{{#smsCodeSent}}, y un código por SMS para introducir en esa página{{/smsCodeSent}}. Confírmalo en un plazo de 24 horas: si para entonces no podemos confirmarlo, cerraremos el caso y podrás reabrirlo.",
        },
        {
          callout: "Lo más urgente ahora: {{urgent}} Recibirás en otro correo la guía de recuperación paso a paso.",
        },
      ],
      sms: `${FROM}Reporte recibido, caso {{caseRef}}.{{#lockRequested}} Pedimos bloquear tu cuenta por seguridad.{{/lockRequested}} Más info por email.`,
    },
    verification_request: {
      subject: "Confirma tu reporte (caso {{caseRef}})",
      title: "Confirma que eres tú",
      blocks: [
        {
          paragraph:
            "Para seguir con el caso {{caseRef}}, necesitamos confirmar que el reporte es tuyo. Las medidas de protección que ya tomamos siguen vigentes mientras tanto.",
        },
        { button: { href: "verifyUrl", label: "Abrir la página de confirmación" } },
        {
          paragraph:
            "{{#smsCodeSent}}En esa página, introduce el código que te enviamos por SMS y elige «Confirmar».{{/smsCodeSent}}{{^smsCodeSent}}En esa página, elige «Confirmar».{{/smsCodeSent}} Si no hiciste este reporte, elige «No fui yo».",
        },
        {
          paragraph:
            "También puedes confirmar tu dirección de correo respondiendo a este mensaje con YES en la primera línea.",
        },
        {
          paragraph:
            "Abrir el enlace no cambia nada por sí solo; solo los botones de la página lo hacen. El enlace funciona una sola vez{{#expiresMinutes}} y caduca en {{expiresMinutes}} minutos{{/expiresMinutes}}.",
        },
      ],
      sms: `${FROM}Para confirmar tu reporte (caso {{caseRef}}), abre el enlace del correo que te acabamos de enviar.`,
    },
    verification_code: {
      subject: "Te enviamos tu código de verificación por SMS (caso {{caseRef}})",
      title: "Revisa tu teléfono",
      blocks: [
        {
          paragraph:
            "Te enviamos por SMS un código de verificación para el caso {{caseRef}}.{{#expiresMinutes}} Caduca en {{expiresMinutes}} minutos.{{/expiresMinutes}} Por tu seguridad, nunca enviamos el código por correo.",
        },
        {
          paragraph:
            "Introdúcelo solo en la página de confirmación enlazada en nuestro correo, y no se lo des a nadie, ni siquiera a quien diga trabajar para nosotros.",
        },
      ],
      sms: `${FROM}{{code}} es tu código del caso {{caseRef}}.{{#expiresMinutes}} Vale {{expiresMinutes}} min.{{/expiresMinutes}} No lo compartas con nadie.`,
    },
    lock_requested: {
      subject: "Hemos pedido bloquear tu cuenta (caso {{caseRef}})",
      title: "Bloqueo de protección solicitado",
      blocks: [
        {
          paragraph:
            "Para proteger tus fondos mientras revisamos el caso {{caseRef}}, hemos pedido un bloqueo temporal de tu cuenta.{{#scopes}} Afecta a {{scopes}}.{{/scopes}}",
        },
        {
          paragraph:
            "El bloqueo es una medida de seguridad, no una sanción, y es reversible: cuando tu identidad esté confirmada y tu cuenta sea segura, podrá levantarse. Te avisaremos en cuanto esté activo.",
        },
      ],
      sms: `${FROM}Para protegerte, pedimos bloquear tu cuenta por ahora (caso {{caseRef}}). Es reversible.`,
    },
    lock_applied: {
      subject: "Tu cuenta está bloqueada temporalmente (caso {{caseRef}})",
      title: "Tu cuenta está bloqueada para protegerte",
      blocks: [
        {
          paragraph:
            "El bloqueo temporal de tu cuenta ya está activo.{{#scopes}} Afecta a {{scopes}}.{{/scopes}} Mientras dure, esas acciones quedan bloqueadas para todos, también para quien tenga tu contraseña.",
        },
        {
          paragraph:
            "Para levantarlo volveremos a confirmar tu identidad y, por tu seguridad, hay un periodo de espera de hasta 24 horas desde el bloqueo. Te avisaremos por todos los canales cuando se levante.",
        },
      ],
      sms: `${FROM}Tu cuenta está bloqueada temporalmente para protegerte (caso {{caseRef}}).`,
    },
    unlock_requested: {
      subject: "Estamos desbloqueando tu cuenta (caso {{caseRef}})",
      title: "Se está levantando el bloqueo de tu cuenta",
      blocks: [
        {
          paragraph:
            "Se está levantando el bloqueo temporal de tu cuenta (caso {{caseRef}}).{{#scopes}} Afectaba a {{scopes}}.{{/scopes}}",
        },
        {
          callout:
            "Si no lo pediste tú, contacta con nosotros de inmediato y no confirmes ninguna solicitud que no hayas iniciado.",
          link: { href: "support", label: "Contactar con soporte" },
        },
        {
          paragraph:
            "Antes de volver a usar tu cuenta, asegúrate de haber seguido los pasos de recuperación que te enviamos, incluida la verificación en dos pasos con una app de autenticación o una llave de seguridad.",
        },
      ],
      sms: `${FROM}Se está levantando el bloqueo de tu cuenta (caso {{caseRef}}). ¿No fuiste tú? Contacta con soporte ya.`,
    },
    status_changed: {
      subject: "Novedades sobre tu caso {{caseRef}}",
      title: "Tu caso se ha actualizado",
      blocks: [
        { paragraph: "Hay novedades en el caso {{caseRef}}.{{#status}} Estado: {{status}}.{{/status}}" },
        {
          paragraph: "No tienes que hacer nada salvo que te lo pidamos. Volveremos a escribirte cuando haya novedades.",
        },
        SUPPORT,
      ],
      sms: `${FROM}Novedades en el caso {{caseRef}}{{#status}}: {{status}}{{/status}}. Más info por email.`,
    },
    denial_recorded: {
      subject: "Hemos registrado que no fuiste tú (caso {{caseRef}})",
      title: "Gracias por avisarnos",
      blocks: [
        {
          paragraph:
            "Nos indicaste que no hiciste el reporte del caso {{caseRef}}. Lo hemos registrado y una persona de nuestro equipo de seguridad se pondrá en contacto contigo.",
        },
        {
          paragraph:
            "Puede que alguien esté intentando entrar en tu cuenta. Hasta que te contactemos, no compartas códigos, contraseñas ni tu frase semilla con nadie, y no confirmes solicitudes que no hayas iniciado.",
        },
        SUPPORT,
      ],
      sms: `${FROM}Registramos que el caso {{caseRef}} no fuiste tú. Un agente te contactará. No compartas códigos.`,
    },
    resolved: {
      subject: "Tu caso {{caseRef}} está resuelto",
      title: "Tu caso está resuelto",
      blocks: [
        { paragraph: "Hemos resuelto el caso {{caseRef}}. Gracias por tu paciencia." },
        {
          paragraph:
            "{{#stillLocked}}Tu cuenta sigue bloqueada para protegerte. Para levantar el bloqueo, contacta con nuestro equipo de soporte: cuando confirmes de nuevo tu identidad (el enlace que te enviamos por correo y un código, o una comprobación de identidad de nuestro equipo), un supervisor la desbloqueará.{{/stillLocked}}{{^stillLocked}}Tu cuenta no está bloqueada.{{/stillLocked}}",
        },
        {
          paragraph:
            "Mantén la verificación en dos pasos con una app de autenticación o una llave de seguridad, e ignora a quien ofrezca «recuperar» fondos: esas ofertas son estafas.",
        },
        {
          paragraph:
            "{{#reopenUrl}}Si el problema no está resuelto o vuelve a ocurrir, puedes reabrir el caso.{{/reopenUrl}}{{^reopenUrl}}Si el problema no está resuelto o vuelve a ocurrir, contacta con nuestro equipo de soporte e indica el caso {{caseRef}}.{{/reopenUrl}}",
        },
        { button: { href: "reopenUrl", label: "Reabrir mi caso" } },
      ],
      sms: `${FROM}El caso {{caseRef}} está resuelto. ¿Sigue el problema? {{#reopenUrl}}Reábrelo desde nuestro email.{{/reopenUrl}}{{^reopenUrl}}Contacta con soporte.{{/reopenUrl}}`,
    },
    closed: {
      subject: "Tu caso {{caseRef}} está cerrado",
      title: "Tu caso está cerrado",
      blocks: [
        { paragraph: "Hemos cerrado el caso {{caseRef}}." },
        {
          paragraph:
            "{{#reopenUrl}}Si todavía necesitas ayuda con él, puedes reabrir el caso.{{/reopenUrl}}{{^reopenUrl}}Si todavía necesitas ayuda con él, contacta con nuestro equipo de soporte e indica el caso {{caseRef}}.{{/reopenUrl}}",
        },
        { button: { href: "reopenUrl", label: "Reabrir mi caso" } },
      ],
      sms: `${FROM}El caso {{caseRef}} está cerrado. ¿Necesitas más ayuda? {{#reopenUrl}}Reábrelo desde nuestro email.{{/reopenUrl}}{{^reopenUrl}}Contacta con soporte.{{/reopenUrl}}`,
    },
    unverified_closed: {
      subject: "Cerramos tu caso {{caseRef}}: no pudimos confirmar que eras tú",
      title: "Hemos cerrado tu caso",
      blocks: [
        {
          paragraph:
            "Cerramos el caso {{caseRef}} porque en 24 horas no pudimos confirmar que el reporte era tuyo. Si no hiciste el reporte, no tienes que hacer nada.",
        },
        {
          paragraph:
            "{{#reopenUrl}}Si hiciste el reporte y todavía necesitas ayuda, puedes reabrir el caso.{{/reopenUrl}}{{^reopenUrl}}Si hiciste el reporte y todavía necesitas ayuda, contacta con nuestro equipo de soporte e indica el caso {{caseRef}}.{{/reopenUrl}}",
        },
        { button: { href: "reopenUrl", label: "Reabrir mi caso" } },
      ],
      sms: `${FROM}Cerramos el caso {{caseRef}}: no pudimos confirmar que eras tú en 24 h. {{#reopenUrl}}Reábrelo desde nuestro email.{{/reopenUrl}}{{^reopenUrl}}¿Ayuda? Contacta con soporte.{{/reopenUrl}}`,
    },
    agent_message: {
      subject: "Un mensaje de nuestro equipo de seguridad (caso {{caseRef}})",
      title: "Un mensaje sobre tu caso",
      blocks: [
        { paragraph: "Un miembro de nuestro equipo de seguridad que trabaja en el caso {{caseRef}} te escribe:" },
        { agentMessage: true },
        {
          paragraph:
            "Este mensaje es nuestro solo si llegó a la dirección de correo que diste en tu reporte y menciona el caso {{caseRef}}. Nunca te pediremos que envíes fondos, ni tu frase semilla, clave privada, contraseñas o códigos.",
        },
        SUPPORT,
      ],
      sms: `${FROM}Te enviamos por correo un mensaje sobre el caso {{caseRef}}. Léelo en tu correo.`,
    },
    oncall_escalation: {
      subject:
        "{{#priority}}[{{priority}}] {{/priority}}{{#event.warning}}Aviso de SLA{{#clock}}, {{clock}} vence pronto{{/clock}}{{/event.warning}}{{#event.breach}}SLA incumplido{{#clock}}, {{clock}}{{/clock}}{{/event.breach}}{{#event.repeat}}Sigue incumplido (aviso repetido){{#clock}}, {{clock}}{{/clock}}{{/event.repeat}}{{#event.escalation}}Escalado{{/event.escalation}}: caso {{caseRef}} ({{incidentType}})",
      title:
        "{{#event.warning}}Un caso se acerca a su objetivo de SLA{{/event.warning}}{{#event.breach}}Un caso incumplió su objetivo de SLA{{/event.breach}}{{#event.repeat}}Un caso sigue incumplido y sin confirmar{{/event.repeat}}{{#event.escalation}}Un caso necesita un agente{{/event.escalation}}",
      blocks: [
        { paragraph: "El caso {{caseRef}} necesita atención.{{#reason}} Motivo: {{reason}}.{{/reason}}" },
        {
          paragraph:
            "Tipo de incidente: {{incidentType}}.{{#priority}} Prioridad: {{priority}}.{{/priority}}{{#clock}} Reloj de SLA: {{clock}}.{{/clock}}",
        },
        { button: { href: "caseUrl", label: "Abrir el caso en la consola" } },
        { paragraph: "Confirma el caso (acknowledge) para detener nuevos escalados." },
      ],
      sms: "Vigil: {{#event.warning}}aviso de SLA{{/event.warning}}{{#event.breach}}SLA incumplido{{/event.breach}}{{#event.repeat}}aviso repetido{{/event.repeat}}{{#event.escalation}}escalado{{/event.escalation}} {{#priority}}{{priority}} {{/priority}}del caso {{caseRef}} ({{incidentType}}){{#reason}}: {{reason}}{{/reason}}. Confírmalo.",
    },
  },
  guidance,
  verifyPage: {
    confirmTitle: "Confirma tu reporte",
    intro:
      "Recibimos un reporte de seguridad sobre tu cuenta. Para seguir con él, confirma que lo enviaste tú. Las medidas de protección que ya tomamos siguen vigentes mientras tanto.",
    reported: "Nos informaste de {{incident}}. Te escribimos a {{email}}.",
    codeLabel: "Código del mensaje de texto",
    codeHint:
      "Escribe el código de {{digits}} dígitos que enviamos a tu teléfono. Caduca 10 minutos después de su envío.",
    confirm: "Confirmar",
    deny: "No fui yo",
    denyHint:
      "Si no enviaste este reporte, elige «No fui yo». Lo registraremos y nuestro equipo de seguridad se pondrá en contacto contigo.",
    resendHint: "¿No te llegó el código o caducó?",
    resend: "Enviar un código nuevo",
    reopenTitle: "Reabre tu caso",
    reopenIntro: "El caso {{caseRef}} está cerrado. Si todavía necesitas ayuda, puedes reabrirlo.",
    reopen: "Reabrir mi caso",
    codeRejected:
      "No aceptamos ese código. Revisa el mensaje de texto y vuelve a intentarlo ({{attemptsLeft}} {{#one}}intento restante{{/one}}{{^one}}intentos restantes{{/one}}).",
    codeUsedUp: "No aceptamos ese código y ya no se puede usar. Pide un código nuevo más abajo.",
    codeExpired: "Este código caducó o ya no se puede usar. Pide un código nuevo más abajo.",
    locked: "Demasiados intentos fallidos. Por tu seguridad, espera {{wait}} antes de volver a intentarlo.",
    waitSeconds: "{{n}} segundos",
    waitMinutes: "{{n}} minutos",
    results: {
      verified: {
        title: "Gracias, ya confirmamos que eres tú",
        body: "Confirmamos que el reporte del caso {{caseRef}} lo enviaste tú. Nuestro equipo de seguridad se ocupa de ello: sigue los pasos de recuperación de nuestros correos y te escribiremos cuando haya novedades.",
      },
      email_verified: {
        title: "Tu correo electrónico está confirmado",
        body: "Gracias. Antes de continuar con el caso {{caseRef}}, una persona de nuestro equipo de seguridad se pondrá en contacto contigo para confirmar tu identidad.",
      },
      denied: {
        title: "Gracias por avisarnos",
        body: "Registramos que no enviaste el reporte del caso {{caseRef}}. Una persona de nuestro equipo de seguridad se pondrá en contacto contigo.",
      },
      reopened: {
        title: "Tu caso está abierto de nuevo",
        body: "Reabrimos el caso {{caseRef}} y te enviaremos los siguientes pasos por correo.",
      },
    },
    resendTitle: "Solicitud recibida",
    resendBody:
      "Si este enlace sigue siendo válido y tu caso usa mensajes de texto, te enviamos un código nuevo al teléfono.",
    back: "Volver a la página de confirmación",
    rateLimitedTitle: "Espera antes de pedir otro código",
    rateLimitedBody: "Ya te enviamos varios códigos. Podrás pedir uno nuevo en unos {{wait}}.",
    errorLabel: "Problema",
    invalidTitle: "Este enlace ya no es válido",
    invalidBody:
      "Puede que el enlace haya caducado, que ya se haya usado o que esté incompleto. Usa el enlace de nuestro correo más reciente o ponte en contacto con el equipo de soporte de {{brand}}.",
    contactSupport: "Contactar con el soporte de {{brand}}",
  },
};
