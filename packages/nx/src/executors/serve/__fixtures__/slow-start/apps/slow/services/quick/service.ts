import { Service } from '@topo/runtime';

export default new Service('quick');
