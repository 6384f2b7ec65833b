/** A small static catalogue that the `lookup_region` tool and the `aws-region://` resources serve. */
export interface AwsRegion {
  readonly code: string;
  readonly name: string;
  readonly geography: 'North America' | 'South America' | 'Europe' | 'Asia Pacific' | 'Middle East' | 'Africa';
  readonly availabilityZones: number;
  readonly launched: number;
}

export const AWS_REGIONS: readonly AwsRegion[] = [
  {
    code: 'us-east-1',
    name: 'US East (N. Virginia)',
    geography: 'North America',
    availabilityZones: 6,
    launched: 2006,
  },
  { code: 'us-east-2', name: 'US East (Ohio)', geography: 'North America', availabilityZones: 3, launched: 2016 },
  { code: 'us-west-2', name: 'US West (Oregon)', geography: 'North America', availabilityZones: 4, launched: 2011 },
  { code: 'ca-central-1', name: 'Canada (Central)', geography: 'North America', availabilityZones: 3, launched: 2016 },
  {
    code: 'sa-east-1',
    name: 'South America (São Paulo)',
    geography: 'South America',
    availabilityZones: 3,
    launched: 2011,
  },
  { code: 'eu-west-1', name: 'Europe (Ireland)', geography: 'Europe', availabilityZones: 3, launched: 2007 },
  { code: 'eu-central-1', name: 'Europe (Frankfurt)', geography: 'Europe', availabilityZones: 3, launched: 2014 },
  { code: 'eu-north-1', name: 'Europe (Stockholm)', geography: 'Europe', availabilityZones: 3, launched: 2018 },
  {
    code: 'ap-northeast-1',
    name: 'Asia Pacific (Tokyo)',
    geography: 'Asia Pacific',
    availabilityZones: 4,
    launched: 2011,
  },
  {
    code: 'ap-southeast-2',
    name: 'Asia Pacific (Sydney)',
    geography: 'Asia Pacific',
    availabilityZones: 3,
    launched: 2012,
  },
  {
    code: 'ap-south-1',
    name: 'Asia Pacific (Mumbai)',
    geography: 'Asia Pacific',
    availabilityZones: 3,
    launched: 2016,
  },
  { code: 'me-central-1', name: 'Middle East (UAE)', geography: 'Middle East', availabilityZones: 3, launched: 2022 },
  { code: 'af-south-1', name: 'Africa (Cape Town)', geography: 'Africa', availabilityZones: 3, launched: 2020 },
];

const byCode = new Map(AWS_REGIONS.map((region) => [region.code, region]));

export function findRegion(code: string): AwsRegion | undefined {
  return byCode.get(code.toLowerCase());
}
