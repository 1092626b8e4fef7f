import { CfnOutput, Stack } from "aws-cdk-lib";
import * as ses from "aws-cdk-lib/aws-ses";
import { Construct } from "constructs";

/** Props of {@link EmailIdentities}. */
export interface EmailIdentitiesProps {
  /** The domain Vigil sends from (`emailFrom` belongs to it). */
  readonly sendingDomain: string;
  /** The domain only Vigil receives mail for (reporters' replies); its MX record points at SES. */
  readonly replyDomain: string;
  /** Domains already verified in SES in this account and region: imported instead of created. */
  readonly existing: readonly string[];
  /** Default configuration set of the identities Vigil creates (handlers also pass it on every send). */
  readonly configurationSet: ses.IConfigurationSet;
}

/**
 * The two SES domain identities Vigil needs: one to send from and one to receive replies on, so the reply
 * domain's MX can point at SES without taking over the company's mail.
 *
 * A domain identity exists once per account and region, and creating one that exists fails the whole deployment;
 * a domain listed in `existing` is therefore referenced, not created (its DKIM records were published when it was
 * first verified). For each created identity the DKIM CNAMEs are stack outputs; the reply domain's MX is one too.
 */
export class EmailIdentities extends Construct {
  /** ARN of the sending identity, which `ses:SendEmail` is authorized against. */
  readonly sendingIdentityArn: string;
  /** ARN of the reply identity. */
  readonly replyIdentityArn: string;

  constructor(scope: Construct, id: string, props: EmailIdentitiesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const identity = (logicalId: string, domain: string, outputPrefix: string): string => {
      if (props.existing.includes(domain)) {
        return ses.EmailIdentity.fromEmailIdentityName(this, logicalId, domain).emailIdentityArn;
      }
      const created = new ses.EmailIdentity(this, logicalId, {
        identity: ses.Identity.domain(domain),
        configurationSet: props.configurationSet,
      });
      created.dkimRecords.forEach((record, index) => {
        new CfnOutput(stack, `${outputPrefix}${index + 1}`, {
          value: `${record.name} CNAME ${record.value}`,
          description: `Publish in DNS to verify the SES domain identity ${domain}`,
        });
      });
      return created.emailIdentityArn;
    };
    this.sendingIdentityArn = identity("SendingIdentity", props.sendingDomain, "DkimRecord");
    this.replyIdentityArn =
      props.replyDomain === props.sendingDomain
        ? this.sendingIdentityArn
        : identity("ReplyIdentity", props.replyDomain, "ReplyDkimRecord");
    new CfnOutput(stack, "ReplyDomainMx", {
      value: `${props.replyDomain} MX 10 inbound-smtp.${stack.region}.amazonaws.com`,
      description: "Publish in DNS so SES receives reporters' replies (this domain only)",
    });
  }
}
