import { containerExecutor } from '../build-service/build-service';

export default containerExecutor;
